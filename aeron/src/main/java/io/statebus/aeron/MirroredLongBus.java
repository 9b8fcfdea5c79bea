package io.statebus.aeron;

import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.statebus.LongMirror;
import io.statebus.LongStateBus;
import io.statebus.LongStateBusBuilder;
import io.statebus.StateBus;
import org.agrona.DirectBuffer;

import java.time.Duration;
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
public final class MirroredLongBus extends MirroredEndpoint<LongStateBus, Long>
{
    private final UnaryOperator<LongStateBusBuilder> configure;
    private final SessionMirror local = new SessionMirror();

    // the transition being applied: duty-cycle thread only
    private long session;
    private long sequence;
    private long timestamp;
    private long from;
    private long to;
    private final HeldRun held = new HeldRun();

    MirroredLongBus(final int busId, final UnaryOperator<LongStateBusBuilder> configure, final MirrorListener listener,
        final MirroredBus.MalformedSink malformed)
    {
        super(busId, listener, malformed);
        this.configure = configure;
    }

    /**
     * One message for this bus ({@code head} and {@code ids}: its first two words, read by the receiver): a snapshot,
     * a transition or a run of them ({@link ExtendedRun}); ABORT when a BLOCK subscription of the local bus holds an
     * append back.
     */
    @Override
    public Action onMessage(final DirectBuffer buffer, final int offset, final long head, final long ids)
    {
        receivedCount++;
        if (closed)
        {
            return Action.CONTINUE;
        }
        final byte type = WireFields.type(head);
        if (WireFormat.kindOf(type) != WireFormat.LONGS)
        {
            return refuse(MalformedReason.KIND);
        }
        final boolean snapshot = type == WireFormat.LONG_SNAPSHOT;
        // WireFormat.check: a transition's extension is a run's, a snapshot's its two values
        final int entries = snapshot ? 0 : ExtendedRun.entries(WireFormat.LONGS, WireFields.extensionLength(ids));
        session = WireFields.session(buffer, offset);
        final boolean fromUnknown = snapshot && (WireFields.flags(head) & WireFormat.FLAG_FROM_UNKNOWN) != 0;
        if (!local.isCurrent(session))
        {
            final MalformedReason first = decode(buffer, offset, 0, snapshot, fromUnknown);
            if (first != null)
            {
                return refuse(first);
            }
            if (local.isRetired(session))
            {
                return refuse(MalformedReason.STALE_SESSION);
            }
            start(); // from the first transition; a run's others follow it
            return entries == 0 ? Action.CONTINUE : applyRun(buffer, offset, 1, entries, snapshot, fromUnknown);
        }
        return applyRun(buffer, offset, 0, entries, snapshot, fromUnknown);
    }

    /**
     * Applies a message's transitions from the {@code first}-th (0: the fixed part's; then the run's entries), each as
     * a message of its own would be: a refused one changes nothing and the others go on. A run that a BLOCK
     * subscription holds back is offered again whole; it then goes on where it stopped, so nothing is refused or
     * counted twice.
     */
    private Action applyRun(final DirectBuffer buffer, final int offset, final int first, final int entries,
        final boolean snapshot, final boolean fromUnknown)
    {
        final long run = WireFields.sequence(buffer, offset); // with the session, which run was held back
        for (int i = held.resume(run, session, first); i <= entries && !closed; i++)
        {
            final MalformedReason reason = decode(buffer, offset, i, snapshot, fromUnknown);
            if (reason != null)
            {
                refuse(reason);
            }
            else if (append(local, sequence, fromUnknown) == Action.ABORT)
            {
                held.hold(run, session, i);
                return Action.ABORT;
            }
        }
        return Action.CONTINUE;
    }

    /**
     * Reads transition {@code i} of the message (0: the fixed part's) into the fields {@link #start} and the local bus
     * append from.
     *
     * @return null, or {@link MalformedReason#SEQUENCE} for a sequence the local bus cannot take.
     */
    private MalformedReason decode(final DirectBuffer buffer, final int offset, final int i, final boolean snapshot,
        final boolean fromUnknown)
    {
        if (i == 0)
        {
            sequence = WireFields.sequence(buffer, offset);
            timestamp = WireFields.timestamp(buffer, offset);
            to = WireFields.secondLong(buffer, offset);
            from = fromUnknown ? to : WireFields.firstLong(buffer, offset);
        }
        else
        {
            final int entry = ExtendedRun.entryOffset(WireFormat.LONGS, offset, i);
            sequence = ExtendedRun.sequence(buffer, entry);
            timestamp = ExtendedRun.timestamp(buffer, entry);
            from = ExtendedRun.third(buffer, entry);
            to = ExtendedRun.fourth(buffer, entry);
        }
        // past the limit, building or appending would throw; only a snapshot may be at 0
        final boolean bad = sequence < 0 || sequence >= LongMirror.SEQUENCE_LIMIT || (sequence == 0 && !snapshot);
        return bad ? MalformedReason.SEQUENCE : null;
    }

    /** The first message of a source session: a new local bus at its sequence and value; a restart closes the old. */
    private void start()
    {
        final long oldSession = local.session();
        final LongMirror started = configure.apply(StateBus.longBuilder(to)).buildMirror(sequence, from, timestamp);
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
        final boolean restarted = started(started.bus()) != null;
        if (!isCurrent(started.bus()))
        {
            return; // the mirror closed while the bus was built: it closed that bus, never handed out
        }
        if (restarted)
        {
            listener.onSourceRestarted(busId(), oldSession, session, null);
        }
        listener.onStarted(busId(), session, null, sequence);
    }

    @Override
    public void publishProgress()
    {
        local.publishProgress();
    }

    /** @return the local bus of the current source session, or null before the first message arrived. */
    public LongStateBus bus()
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
     * @throws IllegalStateException    if no bus came within the timeout; at once if the mirror is closed or its
     *                                  receiver failed (none will come).
     */
    public LongStateBus awaitBus(final Duration timeout) throws InterruptedException
    {
        return awaitStarted(timeout, "long bus", () -> "");
    }

    /** @return source sequences recorded as lost in the current session's local bus, as of the last poll. */
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

    /** @return the current source session id, or 0 before the first message. */
    public long session()
    {
        return local.sessions() == 0 ? 0 : local.session();
    }

    /** @return source sessions seen: 1, plus one per restart of the source. */
    @Override
    public long sessions()
    {
        return local.sessions();
    }

    /** @return the latest source sequence appended to the local bus (as of the last poll), or -1 before any. */
    @Override
    public long latestSequence()
    {
        return local.latest();
    }
}
