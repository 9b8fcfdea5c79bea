package io.statebus.aeron.perf;

import io.statebus.aeron.StateTable;
import io.statebus.aeron.WireFormat;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Writes the raw peers' runs of a bus of states's transitions in the wire's version 4 layout ({@link WireFormat}:
 * 48 + 24 (n - 1) bytes, the first transition in the fixed part, the others as 24-byte entries) with 8-byte stores,
 * as the bridge writes them: six for the fixed part, three an entry; and a long or keyed bus's in version 6's (64 or
 * 56 + 32 (n - 1) bytes: the first transition in the fixed part with its values or key, the others as 32-byte
 * entries of sequence, timestamp, then values, or ids and key): eight or seven for the fixed part, four an entry. The
 * values are {@link RawMessage}'s: the 4 states cycling ({@code seq - 1 -> seq}, each mod 4), the values
 * {@code seq - 1 -> seq}, or the keys round-robin, session 42, stamped with {@code System.nanoTime()}.
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
    /** A long or keyed bus's bytes 0-7 and 8-15 but the extension length (a long bus has no states). */
    private static final long LONG_HEAD = (WireFormat.MAGIC & 0xFFFF_FFFFL) | (long)WireFormat.VERSION << 32 |
        (long)WireFormat.LONG_TRANSITION << 40;
    private static final long LONG_IDS = Wire.BUS_ID & 0xFFFF_FFFFL;
    private static final long KEYED_HEAD = (WireFormat.MAGIC & 0xFFFF_FFFFL) | (long)WireFormat.VERSION << 32 |
        (long)WireFormat.KEYED_TRANSITION << 40;
    private static final long KEYED_IDS = IDS;
    /** A run's extension: the first transition's values (16) or key (8), then 32 bytes a further transition. */
    private static final int LONG_FIRST = 16;
    private static final int KEYED_FIRST = 8;
    private static final int EXTENDED_ENTRY = 32;

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

    /** @return the extension of a run of one of a long ({@code kind} LONG: its values) or keyed bus (its key). */
    private static int first(final Wire.Kind kind)
    {
        return kind == Wire.Kind.LONG ? LONG_FIRST : KEYED_FIRST;
    }

    /** @return the bytes of a long or keyed bus's run of {@code run} transitions. */
    static int extendedLength(final Wire.Kind kind, final int run)
    {
        return WireFormat.LENGTH + first(kind) + (run - 1) * EXTENDED_ENTRY;
    }

    /** @return the most transitions one long or keyed bus's message of {@code maxPayloadLength} holds. */
    static int maxExtendedRun(final Wire.Kind kind, final int maxPayloadLength)
    {
        return (maxPayloadLength - WireFormat.LENGTH - first(kind)) / EXTENDED_ENTRY + 1;
    }

    /**
     * Writes the fixed part and extension of a long or keyed bus's run of {@code run} transitions at {@code o}, with
     * transition {@code seq}: a long bus's values {@code seq - 1 -> seq}; a keyed bus's key and ids as
     * {@link RawMessage#writeKeyed} has them for {@code seq} (key {@code (seq - 1) % KEYS}, in its round).
     */
    static void writeExtendedFixed(final Wire.Kind kind, final MutableDirectBuffer b, final int o, final int run,
        final long seq)
    {
        final boolean longs = kind == Wire.Kind.LONG;
        b.putLong(o, longs ? LONG_HEAD : KEYED_HEAD, LE);
        b.putLong(o + 8, (longs ? LONG_IDS : KEYED_IDS) | (long)(first(kind) + (run - 1) * EXTENDED_ENTRY) << 48, LE);
        b.putLong(o + 16, SESSION, LE);
        b.putLong(o + 24, seq, LE);
        b.putLong(o + 32, System.nanoTime(), LE);
        b.putLong(o + 40, longs ? 0 : STATE_NAMES | keyedIds(seq), LE);
        b.putLong(o + 48, longs ? seq - 1 : (seq - 1) % Wire.KEYS, LE);
        if (longs)
        {
            b.putLong(o + 56, seq, LE);
        }
    }

    /** Writes a long or keyed bus's transition {@code seq} as entry {@code index} (1 .. n - 1) of the run at o. */
    static void writeExtendedEntry(final Wire.Kind kind, final MutableDirectBuffer b, final int o, final int index,
        final long seq)
    {
        final boolean longs = kind == Wire.Kind.LONG;
        final int entry = o + WireFormat.LENGTH + first(kind) + (index - 1) * EXTENDED_ENTRY;
        b.putLong(entry, seq, LE);
        b.putLong(entry + 8, System.nanoTime(), LE);
        b.putLong(entry + 16, longs ? seq - 1 : keyedIds(seq), LE);
        b.putLong(entry + 24, longs ? seq : (seq - 1) % Wire.KEYS, LE);
    }

    /** Shortens the long or keyed bus's run at {@code o} to its first {@code run} transitions. */
    static void shortenExtended(final Wire.Kind kind, final MutableDirectBuffer b, final int o, final int run)
    {
        b.putShort(o + 14, (short)(first(kind) + (run - 1) * EXTENDED_ENTRY), LE);
    }

    /** @return a keyed transition {@code seq}'s ids: its key's round 0 opens it (0 -> 0), each later moves it on. */
    private static long keyedIds(final long seq)
    {
        final long round = (seq - 1) / Wire.KEYS;
        return round == 0 ? 0 : ((round - 1) & 3) | (round & 3) << 16;
    }

    /** @return the from and to ids of transition {@code seq}: the 4 states cycling. */
    private static long states(final long seq)
    {
        return (seq - 1) & 3 | (seq & 3) << 16;
    }
}
