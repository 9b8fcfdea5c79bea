package io.statebus.aeron;

import io.aeron.Aeron;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.statebus.Subscription;
import org.agrona.CloseHelper;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What the mirrors of every kind of bus share: the bus id, the local bus once it started (and waiting for it), the
 * refusals, the received count and the Aeron counters, closing. The duty-cycle thread writes; the local bus and the
 * counts are volatile for readers on other threads.
 *
 * @param <B> the local bus's type.
 * @param <S> the type of its states, as its subscriptions have it ({@code Long} for a long bus).
 */
abstract class MirroredEndpoint<B extends AutoCloseable, S> implements MirrorEndpoint
{
    /** The longest wait awaitBus takes a timeout for; longer ones wait as long (73 years), never overflow. */
    private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE / 4);

    private final int busId;
    final MirrorListener listener;
    private final MirroredBus.MalformedSink malformed;
    private MirrorCounters counters; // set before the receiver's volatile array store publishes this mirror
    private ExposedSubscriptions exposed; // with counters: the local buses' subscriptions the application exposed
    private String counterSuffix; // "bus=<id> stream=<id>", with counters
    private volatile B bus; // written under this monitor (awaitStarted waits on it); volatile for readers
    private String ended; // why no local bus will come (the receiver closed or failed): under this monitor
    volatile boolean closed; // set by close from any thread, or by the duty cycle; read by the duty cycle
    long receivedCount; // the duty cycle's own count; published to received at each counter refresh
    private volatile long received; // single writer (the duty cycle); volatile for readers

    MirroredEndpoint(final int busId, final MirrorListener listener, final MirroredBus.MalformedSink malformed)
    {
        this.busId = busId;
        this.listener = listener;
        this.malformed = malformed;
    }

    void counters(final Aeron aeron, final String channel)
    {
        counters = new MirrorCounters(aeron, busId, channel);
        exposed = new ExposedSubscriptions(aeron);
        counterSuffix = "bus=" + busId + " " + channel;
    }

    /**
     * Exposes a subscription of the local bus as Aeron counters (delivered, missed, gaps, lag; the type ids
     * {@link CounterTypes#SUBSCRIPTION_DELIVERED} and on, labelled {@code "statebus <what>: bus=<id> stream=<id>
     * <name>"}), refreshed by the receiver's duty cycle until the subscription or this mirror closes: the first duty
     * cycle that refreshes the counters after the subscription closed (or failed, or its local bus closed, at a source
     * restart say) frees them, so remote consumers that come and go hold no counters once gone; closing this mirror
     * or its receiver frees them all. After the receiver failed no duty cycle refreshes them: they keep their last
     * values until the receiver is closed. For a long or keyed bus, pass {@code subscription()} of its
     * {@code LongSubscription} or {@code KeyedSubscription}.
     *
     * @param name         a name for the counters' labels.
     * @param subscription a subscription of the local bus ({@code bus()}).
     * @throws IllegalStateException    if the receiver has no Aeron client for counters, or this mirror (or its
     *                                  receiver) is closed or failed.
     * @throws IllegalArgumentException if the subscription is open and of another bus: checked for a bus of states
     *                                  only; a long or keyed bus's subscriptions do not name their bus, so for those
     *                                  the caller must pass one of the local bus (the counters are labelled with its
     *                                  id).
     */
    public final void exposeCounters(final String name, final Subscription<S> subscription)
    {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(subscription, "subscription must not be null");
        if (exposed == null)
        {
            throw new IllegalStateException("mirror of bus " + busId + " has no counters: its receiver " +
                "has no Aeron client for them (create it with MirrorReceiver(subscription, aeron, listener, limit))");
        }
        final String whyNot = "mirror of bus " + busId + " exposes no more counters: ";
        synchronized (this)
        {
            if (ended != null)
            {
                throw new IllegalStateException(whyNot + ended);
            }
        }
        if (!mayOwn(subscription))
        {
            throw new IllegalArgumentException("the subscription is not of the local bus of the mirror of bus " +
                busId + (current() == null ? " (it has none yet)" : ""));
        }
        exposed.expose(counterSuffix + " " + name, subscription, whyNot + "the mirror is closed");
    }

    /**
     * @return whether {@code subscription} may be of the current local bus: checked where the bus can tell (a bus of
     *     states), else true; a closed one is accepted (of a bus a source restart closed, say), and its counters
     *     freed by the next refresh.
     */
    boolean mayOwn(final Subscription<S> subscription)
    {
        return true; // a long or keyed bus's subscriptions do not name their bus
    }

    /** Counts and tells a refused message; it changes nothing. */
    final Action refuse(final MalformedReason reason)
    {
        malformed.refused(busId, reason);
        return Action.CONTINUE;
    }

    /**
     * Offers the message being applied to {@code local} (one attempt, no wait) and settles what became of it.
     *
     * @param sequence    its sequence.
     * @param fromUnknown whether it is a join point whose {@code from} the bridge never saw.
     * @return ABORT if a {@code BLOCK} subscription holds it back (offered again next duty cycle), else CONTINUE.
     */
    final Action append(final SessionMirror local, final long sequence, final boolean fromUnknown)
    {
        Action action = Action.CONTINUE;
        switch (local.append(sequence, fromUnknown))
        {
            case ALREADY_HAD:
                return Action.CONTINUE;
            case NOT_A_JOIN_POINT:
                return refuse(MalformedReason.SEQUENCE);
            case HELD_BACK:
                receivedCount--; // it will be offered again (a loss of more than a ring may be recorded already)
                action = Action.ABORT;
                break;
            case CHAIN_BROKEN:
                refuse(MalformedReason.CHAIN); // dropped: the next message reports this sequence as lost
                break;
            case BUS_CLOSED:
                closed = true; // the application closed the local bus: this mirror stops
                break;
            default:
                break;
        }
        local.noteProgress();
        return action;
    }

    /**
     * Makes {@code started} the local bus and wakes those waiting for it; if this mirror was closed (or its receiver
     * failed) while it was built, closes it instead: it is never handed out.
     *
     * @return the bus it replaces, or null.
     */
    final B started(final B started)
    {
        final B old = bus;
        synchronized (this)
        {
            if (ended == null) // else end() ran before: it closed the bus it saw, and would never see this one
            {
                bus = started;
                notifyAll(); // wakes awaitStarted
                return old;
            }
        }
        CloseHelper.close(started);
        return old;
    }

    /** @return whether {@code started} is the local bus (false: the mirror closed while it was built). */
    final boolean isCurrent(final B started)
    {
        return bus == started;
    }

    /** @return the local bus, or null before it started. */
    final B current()
    {
        return bus;
    }

    /**
     * Waits until the local bus exists.
     *
     * @param why what to add to the exception's message: why no bus came, if known.
     * @throws NullPointerException     if {@code timeout} is null.
     * @throws IllegalArgumentException if {@code timeout} is negative (as the buses' own timed calls say).
     * @throws IllegalStateException    if no bus came within the timeout, or at once when the mirror is closed or
     *                                  its receiver failed before one came (none ever will).
     */
    final B awaitStarted(final Duration timeout, final String what, final java.util.function.Supplier<String> why)
        throws InterruptedException
    {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (timeout.isNegative())
        {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        // saturated: a timeout of centuries (Duration.toNanos would overflow) waits as long as Long.MAX_VALUE / 4 ns
        final long nanos = timeout.compareTo(LONGEST) >= 0 ? LONGEST.toNanos() : timeout.toNanos();
        final long deadline = System.nanoTime() + nanos;
        synchronized (this)
        {
            while (bus == null)
            {
                if (ended != null)
                {
                    throw new IllegalStateException("mirror of " + what + " " + busId + ": no local bus, and none " +
                        "will come: " + ended + why.get());
                }
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    throw new IllegalStateException("mirror of " + what + " " + busId + ": no local bus after " +
                        timeout + why.get());
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return bus;
        }
    }

    /** @return the bus id. */
    @Override
    public final int busId()
    {
        return busId;
    }

    /** @return messages received for this bus, a run of transitions once (refreshed by the receiver's duty cycle). */
    public final long received()
    {
        return received;
    }

    /** @return source sequences recorded as lost in the current session's local bus, as of the last poll. */
    public abstract long lost();

    /** @return lost ranges (gap notices) in the current session's local bus. */
    public abstract long gaps();

    /** @return source sessions the local bus was built for: 1, plus one per restart of the source. */
    public abstract long sessions();

    /** @return the latest source sequence appended to the local bus (as of the last poll), or -1 before any. */
    public abstract long latestSequence();

    /**
     * Publishes the counts; the Aeron counters only while this mirror has not closed them: a closed counter's id is
     * free, and the driver may give it to another counter. Under this monitor, as {@link #close()} closes them (once
     * a millisecond at most: no per-message lock).
     */
    @Override
    public final void refreshCounters()
    {
        received = receivedCount;
        if (counters != null)
        {
            synchronized (this)
            {
                if (!counters.isClosed()) // closed by close(), or by a closed or failed client: all of them are
                {
                    // the subscriptions' first, as a bridge does; frees those of exposed ones that have closed
                    exposed.refresh();
                    counters.refresh(receivedCount, latestSequence(), lost(), gaps(), sessions());
                }
            }
        }
    }

    @Override
    public final void closeBus()
    {
        end("its receiver failed");
    }

    /**
     * Closes the local bus and this mirror's counters, those of the subscriptions exposed included; later messages for
     * it are ignored. Those waiting for the local bus that had not started get an {@code IllegalStateException} at
     * once.
     */
    @Override
    public final void close()
    {
        closed = true;
        end("the mirror is closed");
        synchronized (this) // not while the duty cycle refreshes them
        {
            CloseHelper.closeAll(counters, exposed);
        }
    }

    /** Closes the local bus, if any, and releases those waiting for one (they are told {@code why}). */
    private void end(final String why)
    {
        synchronized (this)
        {
            if (ended == null)
            {
                ended = why;
            }
            notifyAll(); // wakes awaitStarted: no bus will come
        }
        CloseHelper.close(bus);
    }
}
