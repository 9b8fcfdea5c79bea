package io.statebus.aeron.perf;

import io.statebus.aeron.StateTable;
import io.statebus.aeron.WireFormat;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Writes the raw peers' runs of a bus of states's transitions in the wire's version 4 layout ({@link WireFormat}:
 * 48 + 24 (n - 1) bytes, the first transition in the fixed part, the others as 24-byte entries) with 8-byte stores,
 * as the bridge writes them: six for the fixed part, three an entry. The values are {@link RawMessage}'s: the 4
 * states cycling ({@code seq - 1 -> seq}, each mod 4), session 42, stamped with {@code System.nanoTime()}.
 */
final class RunWords
{
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Bytes 0-7: magic, version 4, type transition, no flags. */
    private static final long HEAD = (WireFormat.MAGIC & 0xFFFF_FFFFL) | (long)WireFormat.VERSION << 32 |
        (long)WireFormat.TRANSITION << 40;
    /** Bytes 8-15 but the extension length: bus id, state count. */
    private static final long IDS = (Wire.BUS_ID & 0xFFFF_FFFFL) | (long)Wire.Phase.values().length << 32;
    private static final long STATE_NAMES = (long)StateTable.forEnum(Wire.Phase.class).fingerprint() << 32;
    private static final long SESSION = 42;

    private RunWords()
    {
    }

    /** @return the bytes of a run of {@code run} transitions. */
    static int length(final int run)
    {
        return WireFormat.LENGTH + (run - 1) * WireFormat.ENTRY_LENGTH;
    }

    /** @return the most transitions one message of {@code maxPayloadLength} holds (the bridge's own limit). */
    static int maxRun(final int maxPayloadLength)
    {
        return (maxPayloadLength - WireFormat.LENGTH) / WireFormat.ENTRY_LENGTH + 1;
    }

    /** Writes the fixed part of a run of {@code run} transitions at {@code o}, with transition {@code seq}. */
    static void writeFixed(final MutableDirectBuffer b, final int o, final int run, final long seq)
    {
        b.putLong(o, HEAD, LE);
        b.putLong(o + 8, IDS | (long)((run - 1) * WireFormat.ENTRY_LENGTH) << 48, LE);
        b.putLong(o + 16, SESSION, LE);
        b.putLong(o + 24, seq, LE);
        b.putLong(o + 32, System.nanoTime(), LE);
        b.putLong(o + 40, STATE_NAMES | states(seq), LE);
    }

    /** Writes transition {@code seq} as entry {@code index} (1 .. n - 1) of the run at {@code o}. */
    static void writeEntry(final MutableDirectBuffer b, final int o, final int index, final long seq)
    {
        final int entry = o + WireFormat.LENGTH + (index - 1) * WireFormat.ENTRY_LENGTH;
        b.putLong(entry, seq, LE);
        b.putLong(entry + 8, System.nanoTime(), LE);
        b.putLong(entry + 16, states(seq), LE);
    }

    /** Shortens the run at {@code o} to its first {@code run} transitions (the rest of its claim is left unread). */
    static void shorten(final MutableDirectBuffer b, final int o, final int run)
    {
        b.putShort(o + 14, (short)((run - 1) * WireFormat.ENTRY_LENGTH), LE);
    }

    /** @return the from and to ids of transition {@code seq}: the 4 states cycling. */
    private static long states(final long seq)
    {
        return (seq - 1) & 3 | (seq & 3) << 16;
    }
}
