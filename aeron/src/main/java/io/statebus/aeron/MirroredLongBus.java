package io.statebus.aeron;

import io.aeron.Aeron;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.statebus.LongMirror;
import io.statebus.LongStateBus;
import io.statebus.LongStateBusBuilder;
import io.statebus.StateBus;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The local copy of one remote {@link LongStateBus}, fed by a {@link MirrorReceiver}, as {@link MirroredBus} is for a
 * bus of states, with the same guarantees: it starts from a source session's first message (a snapshot or a
 * transition) at the source's sequence and value; a jump in the source's sequence reaches every subscription of the
 * local bus as one exact gap; a {@code BLOCK} subscription a ring behind back-pressures the stream; a new source
 * session replaces the local bus; a message of another kind of bus ({@link MalformedReason#KIND}) or whose
 * {@code from} breaks the chain is refused and changes nothing.
 *
 * <pre>{@code
 * MirroredLongBus position = receiver.mirrorLong(2, b -> b.capacity(1024));
 * LongStateBus bus = position.awaitBus(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>Threads: the receiver's duty-cycle thread appends; any thread may read {@link #bus()}, wait in
 * {@link #awaitBus}, and read the counters.
 */
public final class MirroredLongBus implements MirrorEndpoint
{
    private final int busId;
    private final UnaryOperator<LongStateBusBuilder> configure;
    private final MirrorListener listener;
    private final MirroredBus.MalformedSink malformed;
    private final SessionMirror local = new SessionMirror();
    private MirrorCounters counters; // set before the receiver's volatile array store publishes this bus

    private volatile LongStateBus bus; // written under this monitor (awaitBus waits on it); volatile for bus()
    private volatile boolean closed;
    private long receivedCount;
    private volatile long received; // single writer (the duty cycle); volatile for readers

    // the message being applied: duty-cycle thread only
    private long session;
    private long sequence;
    private long timestamp;
    private long from;
    private long to;

    MirroredLongBus(final int busId, final UnaryOperator<LongStateBusBuilder> configure, final MirrorListener listener,
        final MirroredBus.MalformedSink malformed)
    {
        this.busId = busId;
        this.configure = configure;
        this.listener = listener;
        this.malformed = malformed;
    }

    void counters(final Aeron aeron, final String channel)
    {
        counters = new MirrorCounters(aeron, busId, channel);
    }

    @Override
    public Action onMessage(final DirectBuffer buffer, final int offset, final long head, final long ids)
    {
        receivedCount++;
        if (closed)
        {
            return Action.CONTINUE;
        }
        final byte type = WireFormat.type(head);
        if (WireFormat.kindOf(type) != WireFormat.LONGS)
        {
            return refuse(MalformedReason.KIND);
        }
        sequence = WireFormat.sequence(buffer, offset);
        if (sequence < 0 || (sequence == 0 && type == WireFormat.LONG_TRANSITION))
        {
            return refuse(MalformedReason.SEQUENCE);
        }
        session = WireFormat.session(buffer, offset);
        timestamp = WireFormat.timestamp(buffer, offset);
        to = WireFormat.secondLong(buffer, offset);
        final boolean fromUnknown = type == WireFormat.LONG_SNAPSHOT &&
            (WireFormat.flags(head) & WireFormat.FLAG_FROM_UNKNOWN) != 0;
        from = fromUnknown ? to : WireFormat.firstLong(buffer, offset);
        if (!local.isCurrent(session))
        {
            if (local.isRetired(session))
            {
                return refuse(MalformedReason.STALE_SESSION);
            }
            start();
            return Action.CONTINUE;
        }
        return append(fromUnknown);
    }

    private Action append(final boolean fromUnknown)
    {
        Action action = Action.CONTINUE;
        switch (local.append(sequence, fromUnknown))
        {
            case ALREADY_HAD:
                return Action.CONTINUE;
            case NOT_A_JOIN_POINT:
                return refuse(MalformedReason.SEQUENCE);
            case HELD_BACK:
                receivedCount--; // it will be offered again
                action = Action.ABORT;
                break;
            case CHAIN_BROKEN:
                refuse(MalformedReason.CHAIN); // dropped: the next message reports this sequence as lost
                break;
            case BUS_CLOSED:
                closed = true;
                break;
            default:
                break;
        }
        local.noteProgress();
        return action;
    }

    private Action refuse(final MalformedReason reason)
    {
        malformed.refused(busId, reason);
        return Action.CONTINUE;
    }

    /** The first message of a source session: a new local bus at its sequence and value; a restart closes the old. */
    private void start()
    {
        final long oldSession = local.session();
        final LongMirror started = configure.apply(StateBus.longBuilder(to)).buildMirror(sequence, from, timestamp);
        final LongStateBus old = bus;
        local.replace(session, new SessionMirror.Local()
        {
            @Override
            public long latestSequence()
            {
                return started.latestSequence();
            }

            @Override
            public long lost()
            {
                return started.lost();
            }

            @Override
            public boolean tryAppendMessage()
            {
                return started.tryAppend(sequence, from, to, timestamp);
            }

            @Override
            public void close()
            {
                started.close();
            }
        }, sequence);
        synchronized (this)
        {
            bus = started.bus();
            notifyAll(); // wakes awaitBus
        }
        if (old != null)
        {
            listener.onSourceRestarted(busId, oldSession, session, null);
        }
        listener.onStarted(busId, session, null, sequence);
    }

    @Override
    public void publishProgress()
    {
        local.publishProgress();
    }

    @Override
    public void refreshCounters()
    {
        received = receivedCount;
        if (counters != null)
        {
            counters.refresh(receivedCount, local.latest(), local.lost(), local.gaps(), local.sessions());
        }
    }

    /** @return the local bus of the current source session, or null before the first message arrived. */
    public LongStateBus bus()
    {
        return bus;
    }

    /**
     * Waits until the local bus exists (the first message of a source session arrived).
     *
     * @param timeout how long to wait at most.
     * @return the local bus.
     * @throws InterruptedException  if interrupted while waiting.
     * @throws IllegalStateException if no bus came within the timeout.
     */
    public LongStateBus awaitBus(final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this)
        {
            while (bus == null)
            {
                final long left = deadline - System.nanoTime();
                if (left <= 0)
                {
                    throw new IllegalStateException("mirror of long bus " + busId + ": no local bus after " + timeout);
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return bus;
        }
    }

    @Override
    public int busId()
    {
        return busId;
    }

    /** @return messages received for this bus (refreshed by the receiver's duty cycle). */
    public long received()
    {
        return received;
    }

    /** @return source sequences recorded as lost in the current session's local bus, as of the last poll. */
    public long lost()
    {
        return local.lost();
    }

    /** @return lost ranges (gap notices) in the current session's local bus. */
    public long gaps()
    {
        return local.gaps();
    }

    /** @return the current source session id, or 0 before the first message. */
    public long session()
    {
        return local.sessions() == 0 ? 0 : local.session();
    }

    /** @return source sessions seen: 1, plus one per restart of the source. */
    public long sessions()
    {
        return local.sessions();
    }

    /** @return the latest source sequence appended to the local bus (as of the last poll), or -1 before any. */
    public long latestSequence()
    {
        return local.latest();
    }

    @Override
    public void closeBus()
    {
        final LongStateBus current = bus;
        if (current != null)
        {
            current.close();
        }
    }

    /** Closes the local bus and this mirror's counters; later messages for it are ignored. */
    @Override
    public void close()
    {
        closed = true;
        closeBus();
        CloseHelper.close(counters);
    }
}
