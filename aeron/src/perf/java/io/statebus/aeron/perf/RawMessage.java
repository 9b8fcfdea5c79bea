package io.statebus.aeron.perf;

import io.statebus.aeron.StateTable;
import io.statebus.aeron.WireFormat;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * What raw Aeron sends in the comparison rows: the same bytes as a StateBus transition of the row's kind of bus
 * ({@link Wire.Kind#length}: 48, 64 or 56), with the same stores, written in place into a claimed buffer (session 42,
 * stamped with {@code System.nanoTime()}), with the values the StateBus sources of {@link SourceBus} publish: a bus
 * of states' 4 states cycling; a long bus's {@code seq - 1 -> seq}; a keyed bus's keys round-robin, each opened
 * {@code PRE_OPEN -> PRE_OPEN}, then one state on per round.
 */
final class RawMessage
{
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int STATE_NAMES = StateTable.forEnum(Wire.Phase.class).fingerprint();

    private RawMessage()
    {
    }

    /** A bus of states' transition {@code seq} (48 bytes): its 4 states cycling. */
    static void write(final MutableDirectBuffer b, final int o, final long seq)
    {
        fixed(b, o, WireFormat.TRANSITION, 4, 0, seq, (int)((seq - 1) & 3), (int)(seq & 3), STATE_NAMES);
    }

    /** A long bus's transition {@code seq} (64 bytes): the values {@code seq - 1 -> seq}. */
    static void writeLong(final MutableDirectBuffer b, final int o, final long seq)
    {
        fixed(b, o, WireFormat.LONG_TRANSITION, 0, 16, seq, 0, 0, 0);
        b.putLong(o + 48, seq - 1, LE);
        b.putLong(o + 56, seq, LE);
    }

    /**
     * A keyed bus's transition {@code seq} (56 bytes) of {@code key} in its {@code round}: round 0 opens the key
     * ({@code PRE_OPEN -> PRE_OPEN}), each later round moves it one state on.
     */
    static void writeKeyed(final MutableDirectBuffer b, final int o, final long seq, final long key, final long round)
    {
        fixed(b, o, WireFormat.KEYED_TRANSITION, 4, 8, seq, round == 0 ? 0 : (int)((round - 1) & 3), (int)(round & 3),
            STATE_NAMES);
        b.putLong(o + 48, key, LE);
    }

    /** The fixed 48 bytes, as {@code WireFormat} draws them. */
    private static void fixed(final MutableDirectBuffer b, final int o, final byte type, final int stateCount,
        final int extension, final long seq, final int fromId, final int toId, final int stateNames)
    {
        b.putInt(o, WireFormat.MAGIC, LE);
        b.putByte(o + 4, WireFormat.VERSION);
        b.putByte(o + 5, type);
        b.putShort(o + 6, (short)0, LE);
        b.putInt(o + 8, Wire.BUS_ID, LE);
        b.putShort(o + 12, (short)stateCount, LE);
        b.putShort(o + 14, (short)extension, LE);
        b.putLong(o + 16, 42, LE);
        b.putLong(o + 24, seq, LE);
        b.putLong(o + 32, System.nanoTime(), LE);
        b.putShort(o + 40, (short)fromId, LE);
        b.putShort(o + 42, (short)toId, LE);
        b.putInt(o + 44, stateNames, LE);
    }
}
