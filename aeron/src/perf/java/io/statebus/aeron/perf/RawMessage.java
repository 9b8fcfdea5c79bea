package io.statebus.aeron.perf;

import io.statebus.aeron.StateTable;
import io.statebus.aeron.WireFormat;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * What raw Aeron sends in the comparison rows: the same {@link WireFormat#LENGTH} bytes as a StateBus transition, with
 * the same stores, written in place into a claimed buffer (4 states cycling, session 42, stamped with
 * {@code System.nanoTime()}).
 */
final class RawMessage
{
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int STATE_NAMES = StateTable.forEnum(Wire.Phase.class).fingerprint();

    private RawMessage()
    {
    }

    static void write(final MutableDirectBuffer b, final int o, final long seq)
    {
        b.putInt(o, WireFormat.MAGIC, LE);
        b.putByte(o + 4, WireFormat.VERSION);
        b.putByte(o + 5, WireFormat.TRANSITION);
        b.putShort(o + 6, (short)0, LE);
        b.putInt(o + 8, Wire.BUS_ID, LE);
        b.putShort(o + 12, (short)4, LE);
        b.putShort(o + 14, (short)0, LE);
        b.putLong(o + 16, 42, LE);
        b.putLong(o + 24, seq, LE);
        b.putLong(o + 32, System.nanoTime(), LE);
        b.putShort(o + 40, (short)((seq - 1) & 3), LE);
        b.putShort(o + 42, (short)(seq & 3), LE);
        b.putInt(o + 44, STATE_NAMES, LE);
    }
}
