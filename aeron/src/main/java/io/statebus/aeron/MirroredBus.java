package io.statebus.aeron;

import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.statebus.Mirror;
import io.statebus.StateBus;
import io.statebus.StateBusClosedException;
import io.statebus.StateBusBuilder;
import io.statebus.Subscription;
import org.agrona.DirectBuffer;

import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The local copy of one remote bus, fed by a {@link MirrorReceiver}: consumers use {@link #bus()} with the ordinary
 * API (subscribe with any policy, await, executor, agent) and see the source's sequences, chain and timestamps.
 *
 * <pre>{@code
 * MirroredBus<Session> sessions = receiver.mirror(1, StateTable.forEnum(Session.class), b -> b.capacity(1024));
 * StateBus<Session> bus = sessions.awaitBus(Duration.ofSeconds(5));   // built from the source's first message
 * bus.await(Session.OPEN, Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>What the local bus guarantees:
 * <ul>
 *   <li><b>Start.</b> The local bus is built from the first message of a source session (a snapshot or a transition):
 *   it begins at the source's sequence and state, so a mirror that starts or restarts mid-stream joins where the
 *   source is, as a local subscription joins at a snapshot. Before that, {@link #bus()} is null.</li>
 *   <li><b>Nothing lost silently.</b> A transition that does not arrive (a lapped {@code GAP} bridge, a publication
 *   that was not connected, a transition refused as malformed) shows up as a jump in the source's sequence: the
 *   local bus records the missing range as lost and every subscription of it, {@code BLOCK} included, gets one gap
 *   notice with exactly that range of source sequences, resuming from the next transition's {@code from}. A snapshot
 *   ahead of the local bus (the source went on while nothing arrived) does the same.</li>
 *   <li><b>Back-pressure.</b> While a {@code BLOCK} subscription of the local bus is a ring behind, the receiver
 *   stops polling this stream (the message is offered again next duty cycle; the messages behind it wait too, those
 *   of the stream's other buses included), so Aeron back-pressures the bridge, which with {@code BLOCK} holds the
 *   source: end to end, nothing is lost. Its {@code GAP} subscriptions are lapped
 *   as on any bus, with exact gap notices.</li>
 *   <li><b>Source restart.</b> A message with another session id is a restarted source: the old local bus is closed
 *   (its consumers receive what it had, then {@code StateBusClosedException}), a new one is built from that message,
 *   and {@link MirrorListener#onSourceRestarted} tells the application, which subscribes again to {@link #bus()}.
 *   Late messages of the old session are refused, never mixed in.</li>
 *   <li><b>Bad messages.</b> A message with another count of states, other state names or another order of them
 *   (another {@link StateTable#fingerprint()}), an unknown state id, or a {@code from} that breaks the chain changes
 *   nothing: it is counted and told to the listener, and a dropped transition is reported
 *   as lost when the next one arrives.</li>
 * </ul>
 *
 * <p>Threads: the receiver's duty-cycle thread appends; any thread may read {@link #bus()}, wait in
 * {@link #awaitBus}, and read the counters.
 *
 * @param <S> the state type.
 */
public final class MirroredBus<S> extends MirroredEndpoint<StateBus<S>, S>
{
    private final StateTable<S> states;
    private final UnaryOperator<StateBusBuilder<S>> configure;
    private final MirrorMessage<S> message;
    private final SessionMirror local = new SessionMirror();
    private final RunView<S> view; // the message being applied, as the core's MirrorRun
    private Mirror<S> mirror; // the current session's: the duty-cycle thread's, as the local bus
    private final HeldRun held = new HeldRun();

    MirroredBus(final int busId, final StateTable<S> states, final UnaryOperator<StateBusBuilder<S>> configure,
        final MirrorListener listener, final MalformedSink malformed)
    {
        super(busId, listener, malformed);
        this.states = Objects.requireNonNull(states, "states must not be null");
        this.configure = Objects.requireNonNull(configure, "configure must not be null");
        this.message = new MirrorMessage<>(states);
        this.view = new RunView<>();
    }

    /**
     * One message for this bus ({@code head} and {@code ids}: its first two words, read by the receiver): a snapshot,
     * a transition or a run of them; ABORT when a BLOCK subscription of the local bus holds an append back.
     */
    @Override
    public Action onMessage(final DirectBuffer buffer, final int offset, final long head, final long ids)
    {
        receivedCount++;
        if (closed)
        {
            return Action.CONTINUE;
        }
        if (WireFormat.kindOf(WireFields.type(head)) != WireFormat.STATES)
        {
            return refuse(MalformedReason.KIND);
        }
        final MalformedReason reason = message.decodeHead(buffer, offset, head, ids);
        if (reason != null)
        {
            return refuse(reason);
        }
        final int entries = (int)(ids >>> 48) / WireFormat.ENTRY_LENGTH; // WireFormat.check: a run's are whole
        if (!local.isCurrent(message.session()))
        {
            if (local.isRetired(message.session()))
            {
                return refuse(MalformedReason.STALE_SESSION);
            }
            final MalformedReason first = message.decodeFirst(buffer, offset);
            if (first != null)
            {
                return refuse(first);
            }
            start(); // from the first transition; a run's others follow it
            return entries == 0 ? Action.CONTINUE : applyRun(buffer, offset, 1, entries);
        }
        return applyRun(buffer, offset, 0, entries);
    }

    /**
     * Applies a message's transitions from the {@code from}-th (0: the fixed part's; then the run's entries), each as a
     * message of its own would be: a refused one changes nothing and the others go on. Those that follow the local
     * bus directly go in at once ({@link Mirror#tryAppendRun}), the others one by one. A run that a BLOCK
     * subscription holds back is offered again whole; it then goes on where it stopped, so nothing is refused or
     * counted twice.
     */
    private Action applyRun(final DirectBuffer buffer, final int offset, final int from, final int entries)
    {
        final long run = WireFields.sequence(buffer, offset); // with the session, which run was held back
        int i = held.resume(run, message.session(), from);
        view.wrap(buffer, offset);
        final boolean transitions = message.type() == WireFormat.TRANSITION; // a snapshot goes one by one
        while (i <= entries && !closed)
        {
            final int appended = transitions ? appendFollowing(i, entries + 1 - i) : 0;
            if (appended > 0)
            {
                i += appended;
            }
            else if (applyOne(buffer, offset, i) == Action.ABORT)
            {
                held.hold(run, message.session(), i);
                return Action.ABORT;
            }
            else
            {
                i++;
            }
        }
        return Action.CONTINUE;
    }

    /** @return how many from {@code first} went in at once ({@link Mirror#tryAppendRun}): those that follow directly. */
    private int appendFollowing(final int first, final int count)
    {
        try
        {
            final int appended = mirror.tryAppendRun(view, first, count);
            if (appended > 0)
            {
                local.noteProgress();
            }
            return appended;
        }
        catch (final StateBusClosedException ex)
        {
            closed = true; // the application closed the local bus: this mirror stops
            return 0;
        }
    }

    /** Transition {@code i} of the message alone: decoded, checked, appended (or refused). */
    private Action applyOne(final DirectBuffer buffer, final int offset, final int i)
    {
        final MalformedReason reason = i == 0 ? message.decodeFirst(buffer, offset) :
            message.decodeEntry(buffer, WireFormat.entryOffset(offset, i));
        if (reason != null)
        {
            return refuse(reason);
        }
        return append(local, message.sequence(), message.fromUnknown());
    }

    /** The first message of a source session: a new local bus at its sequence and state; a restart closes the old. */
    private void start()
    {
        final long oldSession = local.session();
        final long newSession = message.session();
        final long sequence = message.sequence();
        final Mirror<S> started = configure.apply(states.builder(message.to()))
            .buildMirror(sequence, message.from(), message.timestamp());
        mirror = started;
        local.replace(newSession, new MirrorSession<>(started, message), sequence);
        final StateBus<S> old = started(started.bus());
        if (!isCurrent(started.bus()))
        {
            return; // the mirror closed while the bus was built: it closed that bus, never handed out
        }
        if (old != null)
        {
            listener.onSourceRestarted(busId(), oldSession, newSession, old);
        }
        listener.onStarted(busId(), newSession, started.bus(), sequence);
    }

    /** See {@link SessionMirror#publishProgress()}: once per receiver duty cycle that offered this bus a message. */
    @Override
    public void publishProgress()
    {
        local.publishProgress();
    }

    /** @return the local bus of the current source session, or null before the first message arrived. */
    public StateBus<S> bus()
    {
        return current();
    }

    /**
     * Waits until the local bus exists (the first message of a source session arrived).
     *
     * @param timeout how long to wait at most.
     * @return the local bus.
     * @throws InterruptedException     if interrupted while waiting.
     * @throws NullPointerException     if {@code timeout} is null.
     * @throws IllegalArgumentException if {@code timeout} is negative.
     * @throws IllegalStateException    if no bus came within the timeout; the message says whether the source's
     *                                  messages were refused for another count of states or other state names;
     *                                  at once if the mirror is closed or its receiver failed (none will come).
     */
    public StateBus<S> awaitBus(final Duration timeout) throws InterruptedException
    {
        return awaitStarted(timeout, "bus", message::whyRefused);
    }

    /** @return the current source session id, or 0 before the first message. */
    public long session()
    {
        return local.sessions() == 0 ? 0 : local.session();
    }

    /** @return source sequences recorded as lost in the current session's local bus, as of the receiver's last poll. */
    @Override
    public long lost()
    {
        return local.lost();
    }

    /** @return lost ranges (gap notices) in the current session's local bus. */
    @Override
    public long gaps()
    {
        return local.gaps();
    }

    /** @return source sessions seen: 1, plus one per restart of the source. */
    @Override
    public long sessions()
    {
        return local.sessions();
    }

    /**
     * @return the latest source sequence appended to the local bus (as of the receiver's last poll), or -1 before the
     *     first message.
     */
    @Override
    public long latestSequence()
    {
        return local.latest();
    }

    @Override
    boolean mayOwn(final Subscription<S> subscription)
    {
        return subscription.isClosed() || (subscription.bus() != null && subscription.bus() == bus());
    }

    /** @return the count of states the source sends, if its messages were refused for it; else -1. */
    public int refusedStateCount()
    {
        return message.refusedStateCount();
    }

    /**
     * @return the source's state-name fingerprint (see {@link StateTable#fingerprint()}, here from 0 to
     *     {@code 2^32 - 1}), if its messages were refused for it (the same count of states, but other names or
     *     another order); else -1.
     */
    public long refusedStateFingerprint()
    {
        return message.refusedStateNames();
    }

    /** Where refused messages are counted and told: the receiver. */
    interface MalformedSink
    {
        void refused(int busId, MalformedReason reason);
    }
}
