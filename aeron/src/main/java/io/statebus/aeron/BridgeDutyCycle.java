package io.statebus.aeron;

import io.statebus.Subscription;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentTerminationException;

import java.util.Objects;

/**
 * A {@link TransitionBridge}'s duty cycle and lifecycle. Each cycle, in order: the snapshot for a mirror that just
 * connected (first, so it gets it before transitions), the next batch from the bus (staged as its runs lie on the
 * wire), the send loop (what is staged, in runs, in order); then, if the cycle did nothing or every 64th busy one, the
 * clock: the periodic snapshot and the counters, if due, and, when the cycle did nothing, a keyed bridge's look for
 * keys its source retired explicitly that it missed ({@link KeyRetirements}, at most every millisecond, once its log
 * of them lapped it), and whether the publication closed (a driver timeout: an idle bridge fails too, not only at the
 * source's next transition). The parts: {@link BridgeStaging}, {@link SnapshotSender}, {@link TransitionSender},
 * {@link DroppedRange}, {@link BridgeCounters}. A failure closes the subscription at once (the source is no longer
 * held back), is told to {@link BridgeListener#onFailed} and thrown
 * once; the cycle then does nothing. Duty-cycle thread only, but for the counts, {@link #expose} and {@link #close}.
 *
 * @param <S> the state type.
 */
final class BridgeDutyCycle<S> implements AutoCloseable
{
    private static final long COUNTER_REFRESH_NANOS = 1_000_000;
    /** A busy bridge reads the clock this often: a cycle takes up to batchLimit transitions, so it stays timely. */
    private static final int CLOCK_EVERY_BUSY_CYCLES = 64;
    /** An idle keyed bridge looks for keys retired explicitly this often, this many slots of its copy at a time. */
    private static final long RETIREMENT_SWEEP_NANOS = 1_000_000;
    private static final int RETIREMENT_SWEEP_SLOTS = 4096;

    private final BridgeSource source;
    private final Subscription<?> subscription;
    private final BridgeListener listener;
    private final BridgeOutbox outbox;
    private final BridgeStaging staging;
    private final DroppedRange drops;
    private final SnapshotSender snapshots;
    private final TransitionSender sender;
    private final BridgeCounters counters;
    private final KeyRetirements retirements; // a keyed bridge's; null otherwise
    private long nextCounterRefreshAt;
    private long nextSweepAt;
    private int busyCycles; // cycles with work since the clock was last read
    private volatile boolean failed; // set by the duty cycle, read by any thread (getters, toString)
    private volatile boolean closed; // set by close from any thread, read by the duty cycle: it then stops

    /** Allocates everything a bridge needs; its subscription's join point is the first snapshot. */
    BridgeDutyCycle(final TransitionBridgeBuilder<S> settings, final BridgeSource source)
    {
        this.source = source;
        this.subscription = source.subscription();
        this.listener = settings.listener;
        this.outbox = new BridgeOutbox(settings.publication, settings.busId, source.kind(), settings.states);
        this.drops = new DroppedRange(settings.listener);
        this.snapshots = new SnapshotSender(outbox, drops, TransitionBridgeBuilder.nanos(settings.snapshotInterval),
            subscription.joinSequence(), source.joinStateId(), source.joinValue());
        this.staging = new BridgeStaging(source, outbox, settings.batchLimit);
        if (source instanceof KeyedBridgeSource)
        {
            final KeyedBridgeSource<?> keyed = (KeyedBridgeSource<?>)source;
            this.retirements = new KeyRetirements(outbox, staging, keyed);
            snapshots.runs(new KeyedSnapshotRun(outbox, staging, keyed, retirements));
        }
        else
        {
            this.retirements = null;
        }
        this.sender = new TransitionSender(outbox, staging, drops, snapshots, settings.listener,
            TransitionBridgeBuilder.nanos(settings.stallThreshold));
        this.counters = settings.aeron == null ? null :
            new BridgeCounters(settings.aeron, settings.busId, outbox.session(), source);
    }

    /** See {@link TransitionBridge#doWork()}. */
    int doWork()
    {
        if (failed || closed)
        {
            return 0;
        }
        try
        {
            return cycle();
        }
        catch (final AgentTerminationException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            if (closed)
            {
                return 0; // closed during this cycle (from any thread): its closed subscription threw, not a failure
            }
            failed = true;
            subscription.close(); // stop holding the source back at once
            if (counters != null && !counters.isClosed()) // a failed client closed (and unmaps) its counters
            {
                refreshCounters(); // the last counts: no duty cycle refreshes them after this one
            }
            listener.onFailed(ex);
            throw ex;
        }
    }

    private int cycle()
    {
        int work = snapshots.proceed(); // a keyed run that back-pressure paused goes on first
        work += snapshots.sendIfJoined(); // first: a mirror that just connected gets it before transitions
        if (!snapshots.isRunning()) // nothing comes between a keyed run's messages
        {
            work += staging.takeFromBus();
        }
        work += sender.flush();
        // System.nanoTime costs 25-50 ns on a VM's kvm-clock, as much as a whole raw Aeron message: read it when
        // the cycle did nothing, or every CLOCK_EVERY_BUSY_CYCLES busy ones, never before the transitions are sent
        if (work == 0 || ++busyCycles >= CLOCK_EVERY_BUSY_CYCLES)
        {
            work += onClock(System.nanoTime(), work == 0);
        }
        if (staging.busEnded() && staging.isEmpty())
        {
            refreshCounters();
            throw new AgentTerminationException("the source bus is closed and every transition was sent");
        }
        return work;
    }

    /**
     * What the clock times: the periodic snapshot, the counters, and an idle keyed bridge's look for keys retired
     * explicitly. @return the snapshots and retirements sent.
     */
    private int onClock(final long now, final boolean idle)
    {
        busyCycles = 0;
        if (idle && outbox.isClosed()) // a closed offer tells a busy bridge; an idle one must look
        {
            throw TransitionSender.closedWhileIdle(outbox.busId());
        }
        int work = 0;
        if (retirements != null && idle && !snapshots.isRunning() && now - nextSweepAt >= 0)
        {
            nextSweepAt = now + RETIREMENT_SWEEP_NANOS;
            work = retirements.sweep(RETIREMENT_SWEEP_SLOTS);
        }
        if (now - nextCounterRefreshAt >= 0)
        {
            nextCounterRefreshAt = now + COUNTER_REFRESH_NANOS;
            refreshCounters();
        }
        return work + snapshots.sendIfDue(now);
    }

    private void refreshCounters()
    {
        if (counters != null)
        {
            counters.refresh(sender.sent(), drops.dropped(), sender.backPressured(), snapshots.snapshots(),
                sender.stalls());
        }
    }

    /** See {@link TransitionBridge#exposeCounters}. */
    void expose(final String name, final Subscription<S> subscription)
    {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(subscription, "subscription must not be null"); // a long or keyed source cannot tell
        if (!source.mayOwn(subscription))
        {
            throw new IllegalArgumentException("the subscription belongs to another bus");
        }
        if (counters == null)
        {
            throw new IllegalStateException("this bridge has no counters: build it with counters(aeron)");
        }
        if (failed) // no duty cycle refreshes them any more: they would read 0 for good
        {
            throw new IllegalStateException("the bridge failed: it exposes no more counters");
        }
        counters.expose(name, subscription);
    }

    long session()
    {
        return outbox.session();
    }

    long sent()
    {
        return sender.sent();
    }

    long droppedNotConnected()
    {
        return drops.dropped();
    }

    long backPressured()
    {
        return sender.backPressured();
    }

    long snapshots()
    {
        return snapshots.snapshots();
    }

    long stalls()
    {
        return sender.stalls();
    }

    boolean isFailed()
    {
        return failed;
    }

    boolean isClosed()
    {
        return closed;
    }

    /** See {@link TransitionBridge#close()}. */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            subscription.close();
            CloseHelper.close(counters);
        }
    }
}
