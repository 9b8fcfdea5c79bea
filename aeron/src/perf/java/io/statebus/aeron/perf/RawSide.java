package io.statebus.aeron.perf;

import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.statebus.aeron.WireFormat;

import java.nio.ByteOrder;

/**
 * Raw Aeron's receiving side of a row: polls the subscription and hands each transition's sequence and timestamp (at
 * {@code WireFormat}'s offsets, whatever the kind of bus) to the {@link RowSink}: one a message, or, in a run of a
 * bridge ({@link RawRunSender}), each of the run's entries in order. Counts the messages. The
 * receiving thread only.
 */
final class RawSide
{
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int OFFSET_TYPE = 5; // WireFormat's offsets
    private static final int OFFSET_EXTENSION_LENGTH = 14;
    private static final int OFFSET_SEQUENCE = 24; // a run's transition i at 24 + 24 i: sequence, then timestamp
    private static final int OFFSET_TIMESTAMP = 32;
    private static final int LONG_FIRST = 16; // a long run: the first transition's values, then 32-byte entries
    private static final int KEYED_FIRST = 8; // a keyed run: the first transition's key, then 32-byte entries
    private static final int EXTENDED_ENTRY = 32;

    private final Subscription subscription;
    private final FragmentHandler handler;
    private long messages;

    RawSide(final Subscription subscription, final RowSink sink)
    {
        this.subscription = subscription;
        this.handler = (buffer, offset, length, header) ->
        {
            messages++;
            sink.onMessage(buffer.getLong(offset + OFFSET_SEQUENCE, LE), buffer.getLong(offset + OFFSET_TIMESTAMP, LE));
            // a bus of states's transition carries extension / 24 more transitions, a long or keyed bus's
            // (extension - 16 or 8) / 32
            final byte type = buffer.getByte(offset + OFFSET_TYPE);
            final int extension = buffer.getShort(offset + OFFSET_EXTENSION_LENGTH, LE) & 0xFFFF;
            final boolean states = type == WireFormat.TRANSITION;
            final int first = states ? 0 : type == WireFormat.LONG_TRANSITION ? LONG_FIRST : KEYED_FIRST;
            final int step = states ? WireFormat.ENTRY_LENGTH : EXTENDED_ENTRY;
            final int more = (extension - first) / step;
            for (int i = 0, entry = offset + WireFormat.LENGTH + first; i < more; i++, entry += step)
            {
                sink.onMessage(buffer.getLong(entry, LE), buffer.getLong(entry + 8, LE));
            }
        };
    }

    /** @return the messages polled now (at most {@link MirrorSide#LIMIT}). */
    int doWork()
    {
        return subscription.poll(handler, MirrorSide.LIMIT);
    }

    /** @return the messages received so far (a run is one). */
    long messages()
    {
        return messages;
    }
}
