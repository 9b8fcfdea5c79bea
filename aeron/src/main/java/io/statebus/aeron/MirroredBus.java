package io.statebus.aeron;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.statebus.Mirror;
import io.statebus.StateBus;
import io.statebus.StateBusBuilder;
import io.statebus.StateBusClosedException;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
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
 *   stops polling this stream (the message is offered again next duty cycle), so Aeron back-pressures the bridge,
 *   which with {@code BLOCK} holds the source: end to end, nothing is lost. Its {@code GAP} subscriptions are lapped
 *   as on any bus, with exact gap notices.</li>
 *   <li><b>Source restart.</b> A message with another session id is a restarted source: the old local bus is closed
 *   (its consumers receive what it had, then {@code StateBusClosedException}), a new one is built from that message,
 *   and {@link MirrorListener#onSourceRestarted} tells the application, which subscribes again to {@link #bus()}.
 *   Late messages of the old session are refused, never mixed in.</li>
 *   <li><b>Bad messages.</b> A message with another count of states, an unknown state id, or a {@code from} that
 *   breaks the chain changes nothing: it is counted and told to the listener, and a dropped transition is reported
 *   as lost when the next one arrives.</li>
 * </ul>
 *
 * <p>Threads: the receiver's duty-cycle thread appends; any thread may read {@link #bus()}, wait in
 * {@link #awaitBus}, and read the counters.
 *
 * @param <S> the state type.
 */
public final class MirroredBus<S> implements AutoCloseable
{
    private static final int RETIRED_SESSIONS = 16;

    private final int busId;
    private final StateTable<S> states;
    private final UnaryOperator<StateBusBuilder<S>> configure;
    private final MirrorListener listener;
    private final MalformedSink malformed;
    private final long[] retired = new long[RETIRED_SESSIONS];
    private int retiredNext;
    private int retiredCount;

    private Mirror<S> mirror; // duty-cycle thread only
    private long session;
    private long countedJump = -1;
    private volatile StateBus<S> bus;
    private volatile int seenStateCount = -1;
    private volatile boolean closed;

    // single writer (duty-cycle thread); volatile for readers elsewhere
    private long receivedCount;
    private volatile long received;
    private volatile long lost;
    private volatile long gaps;
    private volatile long sessions;
    private volatile long latest = -1;

    private Counter receivedCounter;
    private Counter latestCounter;
    private Counter lostCounter;
    private Counter gapsCounter;
    private Counter sessionsCounter;

    MirroredBus(final int busId, final StateTable<S> states, final UnaryOperator<StateBusBuilder<S>> configure,
        final MirrorListener listener, final MalformedSink malformed)
    {
        this.busId = busId;
        this.states = Objects.requireNonNull(states, "states must not be null");
        this.configure = Objects.requireNonNull(configure, "configure must not be null");
        this.listener = listener;
        this.malformed = malformed;
    }

    void counters(final Aeron aeron, final String channel)
    {
        final String suffix = "bus=" + busId + " " + channel;
        receivedCounter = aeron.addCounter(CounterTypes.MIRROR_RECEIVED, "statebus mirror received: " + suffix);
        latestCounter = aeron.addCounter(CounterTypes.MIRROR_LATEST, "statebus mirror latest: " + suffix);
        lostCounter = aeron.addCounter(CounterTypes.MIRROR_LOST, "statebus mirror lost: " + suffix);
        gapsCounter = aeron.addCounter(CounterTypes.MIRROR_GAPS, "statebus mirror gaps: " + suffix);
        sessionsCounter = aeron.addCounter(CounterTypes.MIRROR_SESSIONS, "statebus mirror sessions: " + suffix);
        latestCounter.setRelease(-1);
    }

    /** One message for this bus; ABORT when a BLOCK subscription of the local bus holds the append back. */
    Action onMessage(final DirectBuffer buffer, final int offset)
    {
        receivedCount++;
        if (closed)
        {
            return Action.CONTINUE;
        }
        final int count = WireFormat.stateCount(buffer, offset);
        if (count != states.size())
        {
            seenStateCount = count;
            return refuse(MalformedReason.STATE_COUNT);
        }
        final byte type = WireFormat.type(buffer, offset);
        final long sequence = WireFormat.sequence(buffer, offset);
        final int fromId = WireFormat.fromId(buffer, offset);
        final int toId = WireFormat.toId(buffer, offset);
        if (fromId < 0 || fromId >= count || toId < 0 || toId >= count)
        {
            return refuse(MalformedReason.STATE_ID);
        }
        if (sequence < 0 || (sequence == 0 && type == WireFormat.TRANSITION))
        {
            return refuse(MalformedReason.SEQUENCE);
        }
        final long messageSession = WireFormat.session(buffer, offset);
        final long timestamp = WireFormat.timestamp(buffer, offset);
        final S to = states.stateOf(toId);
        final boolean fromUnknown = type == WireFormat.SNAPSHOT &&
            (WireFormat.flags(buffer, offset) & WireFormat.FLAG_FROM_UNKNOWN) != 0;
        final S from = fromUnknown ? to : states.stateOf(fromId);
        if (mirror == null || messageSession != session)
        {
            if (isRetired(messageSession))
            {
                return refuse(MalformedReason.STALE_SESSION);
            }
            start(messageSession, sequence, from, to, timestamp);
            return Action.CONTINUE;
        }
        final long latestSequence = mirror.latestSequence();
        if (sequence <= latestSequence)
        {
            return Action.CONTINUE; // a snapshot of what the local bus already has
        }
        if (fromUnknown)
        {
            return refuse(MalformedReason.SEQUENCE); // only a session's first message may be its join point
        }
        if (sequence > latestSequence + 1 && sequence != countedJump)
        {
            countedJump = sequence; // one gap per jump, however many attempts the append takes
            gaps++;
        }
        Action action = Action.CONTINUE;
        try
        {
            // one attempt, no clock read: a BLOCK subscription a ring behind leaves the message in the stream
            if (!mirror.tryAppend(sequence, from, to, timestamp))
            {
                receivedCount--; // it will be offered again (a loss of more than a ring may be recorded already)
                action = Action.ABORT;
            }
        }
        catch (final RuntimeException ex)
        {
            if (ex instanceof IllegalArgumentException)
            {
                // the only one left: from is not the current state (the sequence was checked above), chain broken;
                // dropped, so the next message reports this sequence as lost
                action = refuse(MalformedReason.CHAIN);
            }
            else if (ex instanceof StateBusClosedException)
            {
                closed = true; // the application closed the local bus: this mirror stops
            }
            else
            {
                throw ex;
            }
        }
        noteProgress();
        return action;
    }

    /** After each append attempt (a loss of more than a ring may be recorded by an attempt that timed out). */
    private void noteProgress()
    {
        lost = mirror.lost(); // single writer; volatile for readers
        latest = mirror.latestSequence();
    }

    private Action refuse(final MalformedReason reason)
    {
        malformed.refused(busId, reason);
        return Action.CONTINUE;
    }

    private void start(final long newSession, final long sequence, final S from, final S to, final long timestamp)
    {
        final Mirror<S> old = mirror;
        final long oldSession = session;
        final Mirror<S> started = configure.apply(states.builder(to)).buildMirror(sequence, from, timestamp);
        if (old != null)
        {
            retire(oldSession);
            old.close();
        }
        mirror = started;
        session = newSession;
        sessions++;
        countedJump = -1;
        gaps = 0;
        lost = 0;
        latest = sequence;
        synchronized (this)
        {
            bus = started.bus();
            notifyAll(); // wakes awaitBus
        }
        if (old != null)
        {
            listener.onSourceRestarted(busId, oldSession, newSession, old.bus());
        }
        listener.onStarted(busId, newSession, started.bus(), sequence);
    }

    private boolean isRetired(final long candidate)
    {
        for (int i = 0; i < retiredCount; i++)
        {
            if (retired[i] == candidate)
            {
                return true;
            }
        }
        return false;
    }

    private void retire(final long oldSession)
    {
        retired[retiredNext] = oldSession;
        retiredNext = (retiredNext + 1) % RETIRED_SESSIONS;
        retiredCount = Math.min(retiredCount + 1, RETIRED_SESSIONS);
    }

    void refreshCounters()
    {
        received = receivedCount;
        if (receivedCounter != null)
        {
            receivedCounter.setRelease(receivedCount);
            latestCounter.setRelease(latest);
            lostCounter.setRelease(lost);
            gapsCounter.setRelease(gaps);
            sessionsCounter.setRelease(sessions);
        }
    }

    /**
     * @return the local bus of the current source session, or null before the first message arrived.
     */
    public StateBus<S> bus()
    {
        return bus;
    }

    /**
     * Waits until the local bus exists (the first message of a source session arrived).
     *
     * @param timeout how long to wait at most.
     * @return the local bus.
     * @throws InterruptedException  if interrupted while waiting.
     * @throws IllegalStateException if no bus came within the timeout; the message says whether the source's
     *                               messages were refused for another count of states.
     */
    public StateBus<S> awaitBus(final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this)
        {
            while (bus == null)
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    final int seen = seenStateCount;
                    throw new IllegalStateException("mirror of bus " + busId + ": no local bus after " + timeout +
                        (seen >= 0 ? ": the source sends " + seen + " states, this mirror's table has " +
                        states.size() + " (its messages are refused)" : ": nothing received from a source yet"));
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return bus;
        }
    }

    /**
     * @return the bus id.
     */
    public int busId()
    {
        return busId;
    }

    /**
     * @return the current source session id, or 0 before the first message.
     */
    public long session()
    {
        return sessions == 0 ? 0 : session;
    }

    /**
     * @return messages received for this bus (refreshed by the receiver's duty cycle).
     */
    public long received()
    {
        return received;
    }

    /**
     * @return source sequences recorded as lost in the current session's local bus.
     */
    public long lost()
    {
        return lost;
    }

    /**
     * @return lost ranges (gap notices) in the current session's local bus.
     */
    public long gaps()
    {
        return gaps;
    }

    /**
     * @return source sessions seen: 1, plus one per restart of the source.
     */
    public long sessions()
    {
        return sessions;
    }

    /**
     * @return the latest source sequence appended to the local bus, or -1 before the first message.
     */
    public long latestSequence()
    {
        return latest;
    }

    /**
     * @return the count of states the source sends, if its messages were refused for it; else -1.
     */
    public int refusedStateCount()
    {
        return seenStateCount;
    }

    /** Closes the local bus and this mirror's counters; later messages for it are ignored. */
    @Override
    public void close()
    {
        closed = true;
        final StateBus<S> current = bus;
        if (current != null)
        {
            current.close();
        }
        CloseHelper.closeAll(receivedCounter, latestCounter, lostCounter, gapsCounter, sessionsCounter);
    }

    /** Where refused messages are counted and told: the receiver. */
    interface MalformedSink
    {
        void refused(int busId, MalformedReason reason);
    }
}
