package io.statebus.aeron;

import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;

import java.util.Arrays;

/**
 * A receiver's fragment handler: checks each message's bus-independent parts ({@link WireFormat#check}), finds the
 * {@link MirrorEndpoint} of its bus id and hands the message over; refuses the rest (counted, told to the listener).
 * Messages polled are counted, but for those a {@code BLOCK} subscription holds back (offered again). The counts are
 * written by the duty-cycle thread; the registered buses are replaced, copy on write, by any.
 */
final class BusDispatcher implements ControlledFragmentHandler, MirroredBus.MalformedSink
{
    private final MirrorListener listener;
    private volatile MirrorEndpoint[] mirrors = new MirrorEndpoint[0]; // the duty cycle reads a whole array
    private long receivedCount;
    private long malformedCount;
    private boolean offered; // a message was handed to a mirrored bus since the last publishProgress
    private volatile long malformed; // single writer (the duty cycle); volatile for readers
    /** What a message's handling threw in this poll (a listener's, a configure's), for the receiver to fail with. */
    private RuntimeException failure;

    BusDispatcher(final MirrorListener listener)
    {
        this.listener = listener;
    }

    /** @return true if a mirrored bus of {@code busId} is registered. */
    boolean has(final int busId)
    {
        return find(mirrors, busId) != null;
    }

    /** Registers a mirrored bus; the caller holds the receiver's lock (one registration at a time). */
    void add(final MirrorEndpoint mirrored)
    {
        final MirrorEndpoint[] old = mirrors;
        final MirrorEndpoint[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = mirrored;
        mirrors = grown; // copy on write: a volatile store of the whole array, read whole by the duty cycle
    }

    /**
     * One message: refused here, or handed to its mirrored bus. What its handling throws stops the poll here and is
     * kept for {@link #rethrowFailure}: Aeron would hand it to the client's error handler only, and the receiver
     * would go on as if nothing had happened.
     */
    @Override
    public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        try
        {
            return dispatch(buffer, offset, length);
        }
        catch (final RuntimeException ex)
        {
            failure = ex;
            return Action.ABORT;
        }
    }

    /** After a poll: throws what a message's handling threw in it, once. */
    void rethrowFailure()
    {
        final RuntimeException thrown = failure;
        if (thrown != null)
        {
            failure = null;
            throw thrown;
        }
    }

    private Action dispatch(final DirectBuffer buffer, final int offset, final int length)
    {
        final boolean whole = length >= WireFormat.LENGTH; // read no word of a message too short to have it
        final long head = whole ? WireFields.head(buffer, offset) : 0;
        final long ids = whole ? WireFields.ids(buffer, offset) : 0;
        final MalformedReason reason = WireFormat.check(head, ids, length);
        if (reason != null)
        {
            receivedCount++;
            refused(-1, reason);
            return Action.CONTINUE;
        }
        final int busId = WireFields.busId(ids);
        final MirrorEndpoint mirrored = find(mirrors, busId);
        if (mirrored == null)
        {
            receivedCount++;
            refused(busId, MalformedReason.UNKNOWN_BUS);
            return Action.CONTINUE;
        }
        offered = true;
        final Action action = mirrored.onMessage(buffer, offset, head, ids);
        if (action != Action.ABORT)
        {
            receivedCount++;
        }
        return action;
    }

    /** Once per duty cycle, after the poll: every mirrored bus publishes its progress if it was offered a message. */
    void publishProgress()
    {
        if (offered)
        {
            offered = false;
            for (final MirrorEndpoint mirrored : mirrors)
            {
                mirrored.publishProgress();
            }
        }
    }

    private static MirrorEndpoint find(final MirrorEndpoint[] mirrors, final int busId)
    {
        for (final MirrorEndpoint mirrored : mirrors) // a few buses per stream: a scan beats a hash
        {
            if (mirrored.busId() == busId)
            {
                return mirrored;
            }
        }
        return null;
    }

    /** Counts and tells one refused message. */
    @Override
    public void refused(final int busId, final MalformedReason reason)
    {
        malformedCount++;
        malformed = malformedCount; // rare: publish at once
        listener.onMalformed(busId, reason);
    }

    MirrorEndpoint[] mirrors()
    {
        return mirrors;
    }

    long receivedCount()
    {
        return receivedCount;
    }

    long malformedCount()
    {
        return malformedCount;
    }

    long malformed()
    {
        return malformed;
    }
}
