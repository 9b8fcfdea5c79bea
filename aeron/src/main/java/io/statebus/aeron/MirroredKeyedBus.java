package io.statebus.aeron;

import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.statebus.KeyedMirror;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedStateBusBuilder;
import io.statebus.StateBusClosedException;
import org.agrona.DirectBuffer;

import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The local copy of one remote {@link KeyedStateBus}, fed by a {@link MirrorReceiver}: consumers use {@link #bus()}
 * with the ordinary API and see the source's sequences, keys, per-key chains and timestamps, and {@code get(key)}
 * answers with the source's state of each key.
 *
 * <pre>{@code
 * MirroredKeyedBus<Order> orders = receiver.mirrorKeyed(3, StateTable.forEnum(Order.class),
 *     b -> b.maxKeys(100_000).retireOn(Order.FILLED, Order.CANCELED));   // the source's final states
 * KeyedStateBus<Order> bus = orders.awaitBus(Duration.ofSeconds(5));
 * }</pre>
 *
 * <ul>
 *   <li><b>Start.</b> The local bus starts only from a whole snapshot run of a source session (every open key's
 *   state as of one source sequence, see {@link WireFormat}), which the bridge sends when a mirror connects and every
 *   snapshot interval: the local bus begins at that sequence with those keys, and the transitions after the run
 *   follow it. Transitions that arrive before are not applied. Before that, {@link #bus()} is null.</li>
 *   <li><b>Nothing lost silently.</b> A jump in the source's sequence reaches every subscription of the local bus,
 *   {@code BLOCK} included, as one exact gap; a key that changed in the lost range resumes from its next
 *   transition's {@code from}, one opened in it is learnt then (see {@link KeyedMirror}); the next whole snapshot
 *   run that describes the local bus's latest sequence repairs the key table (keys retired in the lost range leave
 *   it, see {@link KeyedMirror#resync}); a run that is ahead of the local bus (the source went on, and idle, while
 *   nothing arrived) records the range as lost first ({@link KeyedMirror#lostUpTo}).</li>
 *   <li><b>Explicit retirements.</b> A key the source retired with {@code KeyedStateBus.retire(key)}, which
 *   publishes no transition, arrives as a {@link WireFormat#KEYED_RETIRE} once the bridge finds it gone (when idle,
 *   and before each snapshot run): the local bus retires it too, publishing nothing either, unless the key's latest
 *   transition here is after the one the retirement knew (it was opened again since).</li>
 *   <li><b>Back-pressure</b> and <b>source restart</b> as for {@link MirroredBus}; a restarted source's bus takes
 *   over once a whole run of its new session arrived.</li>
 *   <li><b>Bad messages</b> change nothing and are counted: other states ({@link MalformedReason#STATE_COUNT},
 *   {@link MalformedReason#STATE_NAMES}), another kind of bus ({@link MalformedReason#KIND}), a run that is not whole
 *   ({@link MalformedReason#SNAPSHOT}), a transition that breaks its key's chain or cannot be applied
 *   ({@link MalformedReason#CHAIN}: dropped, then reported as lost when the next one arrives).</li>
 * </ul>
 *
 * <p>Threads: the receiver's duty-cycle thread appends; any thread may read {@link #bus()}, wait in
 * {@link #awaitBus}, and read the counters.
 *
 * @param <S> the state type.
 */
public final class MirroredKeyedBus<S> extends MirroredEndpoint<KeyedStateBus<S>>
{
    private final StateTable<S> states;
    private final KeyedRunCollector<S> runs;
    private final RetiredSessions retired = new RetiredSessions();
    private KeyedMirror<S> mirror; // the live one: duty-cycle thread only
    private volatile long session; // written by the duty cycle at a start; volatile for session()
    private long countedJump = -1;
    private long repairedLost; // the live mirror's lost count when its key table was last the source's
    // single writer (the duty cycle); volatile for readers elsewhere
    private volatile long latest = -1;
    private volatile long lost;
    private volatile long gaps;
    private volatile long sessions;

    MirroredKeyedBus(final int busId, final StateTable<S> states,
        final UnaryOperator<KeyedStateBusBuilder<S>> configure, final MirrorListener listener,
        final MirroredBus.MalformedSink malformed)
    {
        super(busId, listener, malformed);
        this.states = states;
        this.runs = new KeyedRunCollector<>(states, configure);
    }

    @Override
    public Action onMessage(final DirectBuffer buffer, final int offset, final long head, final long ids)
    {
        receivedCount++;
        if (closed)
        {
            return Action.CONTINUE;
        }
        final MalformedReason reason = KeyedMessageCheck.check(states, buffer, offset, head, ids);
        if (reason != null)
        {
            return refuse(reason);
        }
        final long from = WireFields.session(buffer, offset);
        if (retired.contains(from))
        {
            return refuse(MalformedReason.STALE_SESSION);
        }
        final byte type = WireFields.type(head);
        final boolean live = mirror != null && from == session;
        if (type == WireFormat.KEYED_TRANSITION)
        {
            return live ? append(buffer, offset) : outsideRun();
        }
        if (type == WireFormat.KEYED_RETIRE)
        {
            return live ? retire(buffer, offset) : outsideRun();
        }
        return onRun(buffer, offset, type, from, live);
    }

    /** A message of a snapshot run (an entry or its end marker), from the live session or a new one. */
    private Action onRun(
        final DirectBuffer buffer, final int offset, final byte type, final long from, final boolean live)
    {
        final long sequence = WireFields.sequence(buffer, offset);
        if (live && mirror.lost() == repairedLost && sequence <= mirror.latestSequence())
        {
            return Action.CONTINUE; // a run of the session this bus mirrors, which lost nothing since: nothing new
        }
        if (type == WireFormat.KEYED_SNAPSHOT)
        {
            final boolean kept = runs.entry(from, sequence, WireFields.timestamp(buffer, offset),
                WireFields.firstLong(buffer, offset), WireFields.toId(buffer, offset));
            return kept ? Action.CONTINUE : refuse(MalformedReason.SNAPSHOT);
        }
        if (!runs.end(from, sequence, WireFields.firstLong(buffer, offset)))
        {
            return refuse(MalformedReason.SNAPSHOT);
        }
        return runEnded(from, sequence, live);
    }

    /** A whole run arrived: it repairs the live mirror's key table, or starts a mirror (a new source session). */
    private Action runEnded(final long from, final long sequence, final boolean live)
    {
        if (live)
        {
            if (sequence > mirror.latestSequence() && !learnLoss(sequence))
            {
                return Action.CONTINUE; // a BLOCK subscription holds the mirror back: the next run tries again
            }
            // the keys retired or opened in the lost ranges: the table is the source's again
            if (runs.repair(mirror))
            {
                repairedLost = mirror.lost();
            }
            return Action.CONTINUE;
        }
        final KeyedMirror<S> started = runs.build();
        if (started == null)
        {
            return refuse(MalformedReason.SNAPSHOT);
        }
        start(from, started, sequence);
        return Action.CONTINUE;
    }

    private Action retire(final DirectBuffer buffer, final int offset)
    {
        try
        {
            mirror.retire(WireFields.firstLong(buffer, offset), WireFields.sequence(buffer, offset));
        }
        catch (final IllegalStateException ex)
        {
            return refuse(MalformedReason.CHAIN); // not this thread's mirror: never on the receiver's duty cycle
        }
        return Action.CONTINUE;
    }

    /**
     * A whole run says the source is at {@code sequence}, past the mirror, and nothing of that arrived (the source
     * went idle after a loss): the range is recorded as lost, one gap.
     *
     * @return false if not recorded now.
     */
    private boolean learnLoss(final long sequence)
    {
        try
        {
            if (!mirror.lostUpTo(sequence))
            {
                return false;
            }
            gaps++;
            countedJump = sequence;
            return true;
        }
        catch (final StateBusClosedException ex)
        {
            closed = true; // the application closed the local bus: this mirror stops
            return false;
        }
    }

    /**
     * A transition or a retirement while no run is whole: inside a run it breaks it; before any, it waits for one
     * (ignored: the run the mirror starts from no longer holds a key retired before it).
     */
    private Action outsideRun()
    {
        if (runs.isCollecting())
        {
            runs.drop();
            return refuse(MalformedReason.SNAPSHOT);
        }
        return Action.CONTINUE;
    }

    private Action append(final DirectBuffer buffer, final int offset)
    {
        final long sequence = WireFields.sequence(buffer, offset);
        final long latestSequence = mirror.latestSequence();
        if (sequence <= latestSequence)
        {
            return Action.CONTINUE;
        }
        if (sequence > latestSequence + 1 && sequence != countedJump)
        {
            countedJump = sequence; // one gap per jump, however many attempts the append takes
            gaps++;
        }
        try
        {
            // a BLOCK subscription a ring behind leaves the message in the stream
            if (!mirror.tryAppend(sequence, WireFields.firstLong(buffer, offset),
                states.stateOf(WireFields.fromId(buffer, offset)), states.stateOf(WireFields.toId(buffer, offset)),
                WireFields.timestamp(buffer, offset)))
            {
                receivedCount--; // it will be offered again
                return Action.ABORT;
            }
            return Action.CONTINUE;
        }
        catch (final StateBusClosedException ex)
        {
            closed = true; // the application closed the local bus: this mirror stops
            return Action.CONTINUE;
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            return refuse(MalformedReason.CHAIN); // a key's chain broken, or a table full: dropped, later a gap
        }
    }

    /** A whole run of {@code newSession}: its mirror goes live; a mirror of an older session is closed. */
    private void start(final long newSession, final KeyedMirror<S> started, final long sequence)
    {
        final KeyedMirror<S> old = mirror;
        final long oldSession = session;
        if (old != null)
        {
            retired.add(oldSession);
            old.close();
        }
        mirror = started;
        session = newSession;
        countedJump = -1;
        repairedLost = 0;
        sessions++;
        started(started.bus());
        publishProgress();
        if (old != null)
        {
            listener.onSourceRestarted(busId(), oldSession, newSession, null);
        }
        listener.onStarted(busId(), newSession, null, sequence);
    }

    @Override
    public void publishProgress()
    {
        final KeyedMirror<S> current = mirror;
        if (current != null)
        {
            latest = current.latestSequence();
            lost = current.lost();
        }
    }

    /** @return the local bus of the current source session, or null before a whole snapshot run arrived. */
    public KeyedStateBus<S> bus()
    {
        return current();
    }

    /**
     * Waits until the local bus exists (a whole snapshot run of a source session arrived).
     *
     * @param timeout how long to wait at most.
     * @return the local bus.
     * @throws InterruptedException  if interrupted while waiting.
     * @throws IllegalStateException if no bus came within the timeout.
     */
    public KeyedStateBus<S> awaitBus(final Duration timeout) throws InterruptedException
    {
        return awaitStarted(timeout, "keyed bus", () -> ": no whole snapshot run of its open keys arrived");
    }

    /** @return source sequences recorded as lost in the current session's local bus, as of the last poll. */
    @Override
    public long lost()
    {
        return lost;
    }

    /** @return lost ranges (gap notices) in the current session's local bus. */
    @Override
    public long gaps()
    {
        return gaps;
    }

    /** @return the source session the local bus mirrors, or 0 before the first whole run. */
    public long session()
    {
        return sessions == 0 ? 0 : session;
    }

    /** @return source sessions this mirror went live for. */
    @Override
    public long sessions()
    {
        return sessions;
    }

    /** @return the latest source sequence appended to the local bus (as of the last poll), or -1 before any. */
    @Override
    public long latestSequence()
    {
        return latest;
    }
}
