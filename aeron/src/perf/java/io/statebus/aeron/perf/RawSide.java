package io.statebus.aeron.perf;

import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;

import java.nio.ByteOrder;

/**
 * Raw Aeron's receiving side of a row: polls the subscription and hands each message's sequence and timestamp (at
 * {@code WireFormat}'s offsets, whatever the kind of bus) to the {@link RowSink}. The receiving thread only.
 */
final class RawSide
{
    private static final int OFFSET_SEQUENCE = 24; // WireFormat's sequence and timestamp offsets
    private static final int OFFSET_TIMESTAMP = 32;

    private final Subscription subscription;
    private final FragmentHandler handler;

    RawSide(final Subscription subscription, final RowSink sink)
    {
        this.subscription = subscription;
        this.handler = (buffer, offset, length, header) ->
            sink.onMessage(buffer.getLong(offset + OFFSET_SEQUENCE, ByteOrder.LITTLE_ENDIAN),
                buffer.getLong(offset + OFFSET_TIMESTAMP, ByteOrder.LITTLE_ENDIAN));
    }

    /** @return the messages polled now (at most {@link MirrorSide#LIMIT}). */
    int doWork()
    {
        return subscription.poll(handler, MirrorSide.LIMIT);
    }
}
