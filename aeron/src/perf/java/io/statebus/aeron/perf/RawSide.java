package io.statebus.aeron.perf;

import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.statebus.aeron.WireFormat;

import java.nio.ByteOrder;

/**
 * Raw Aeron's receiving side of a row: polls the subscription and hands each transition's sequence and timestamp (at
 * {@code WireFormat}'s offsets, whatever the kind of bus) to the {@link RowSink}: one a message, or, in a run of a
 * bus of states ({@link RawRunSender}), each of the run's entries in order. Counts the messages. The receiving thread
 * only.
 */
final class RawSide
{
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int OFFSET_TYPE = 5; // WireFormat's offsets
    private static final int OFFSET_EXTENSION_LENGTH = 14;
    private static final int OFFSET_SEQUENCE = 24; // a run's transition i at 24 + 24 i: sequence, then timestamp
    private static final int OFFSET_TIMESTAMP = 32;

    private final Subscription subscription;
    private final FragmentHandler handler;
    private long messages;

    RawSide(final Subscription subscription, final RowSink sink)
    {
        this.subscription = subscription;
        this.handler = (buffer, offset, length, header) ->
        {
            messages++;
            // a bus of states's transition carries 1 + extension / 24 transitions; the other kinds' extensions are
            // their values, not entries
            final int count = buffer.getByte(offset + OFFSET_TYPE) != WireFormat.TRANSITION ? 1 :
                1 + (buffer.getShort(offset + OFFSET_EXTENSION_LENGTH, LE) & 0xFFFF) / WireFormat.ENTRY_LENGTH;
            for (int i = 0, entry = offset; i < count; i++, entry += WireFormat.ENTRY_LENGTH)
            {
                sink.onMessage(buffer.getLong(entry + OFFSET_SEQUENCE, LE),
                    buffer.getLong(entry + OFFSET_TIMESTAMP, LE));
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
