package io.statebus.aeron;

import org.agrona.DirectBuffer;

import static io.statebus.aeron.WireFormat.BUS_ID_OFFSET;
import static io.statebus.aeron.WireFormat.ENTRY_SEQUENCE_OFFSET;
import static io.statebus.aeron.WireFormat.ENTRY_STATES_OFFSET;
import static io.statebus.aeron.WireFormat.ENTRY_TIMESTAMP_OFFSET;
import static io.statebus.aeron.WireFormat.FIRST_LONG_OFFSET;
import static io.statebus.aeron.WireFormat.FLAGS_OFFSET;
import static io.statebus.aeron.WireFormat.FROM_OFFSET;
import static io.statebus.aeron.WireFormat.MAGIC_OFFSET;
import static io.statebus.aeron.WireFormat.ORDER;
import static io.statebus.aeron.WireFormat.SECOND_LONG_OFFSET;
import static io.statebus.aeron.WireFormat.SEQUENCE_OFFSET;
import static io.statebus.aeron.WireFormat.SESSION_OFFSET;
import static io.statebus.aeron.WireFormat.STATE_COUNT_OFFSET;
import static io.statebus.aeron.WireFormat.STATE_NAMES_OFFSET;
import static io.statebus.aeron.WireFormat.TIMESTAMP_OFFSET;
import static io.statebus.aeron.WireFormat.TO_OFFSET;
import static io.statebus.aeron.WireFormat.TYPE_OFFSET;

/**
 * Reads the fields of a message laid out as {@link WireFormat} draws it: each from the buffer, or from one of the
 * message's first words, which a receiver reads once per message (six 8-byte reads decode a whole message, where one
 * read per field took fourteen, each with its bounds check). Fields that a type reuses: a keyed snapshot entry's
 * index, a run end's timestamp and a {@link WireFormat#KEYED_RETIRE}'s bridge position are all read with
 * {@link #timestamp} (bytes 32-39); a keyed message's key, or a run end's count and {@code retireOn} fingerprint
 * ({@link #runCount}, {@link #runRetiresOn}), with {@link #firstLong}; a
 * retirement's known-at sequence with {@link #sequence}.
 */
final class WireFields
{
    private WireFields()
    {
    }

    /** @return bytes 0-7, little-endian: magic, version, type, flags. */
    static long head(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + MAGIC_OFFSET, ORDER);
    }

    /** @return bytes 8-15, little-endian: bus id, state count, extension length. */
    static long ids(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + BUS_ID_OFFSET, ORDER);
    }

    /** @return bytes 40-47, little-endian: from id, to id, state names. */
    static long states(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + FROM_OFFSET, ORDER);
    }

    static byte type(final long head)
    {
        return (byte)(head >>> 40);
    }

    static short flags(final long head)
    {
        return (short)(head >>> 48);
    }

    static int busId(final long ids)
    {
        return (int)ids;
    }

    static int stateCount(final long ids)
    {
        return (int)(ids >>> 32) & 0xFFFF;
    }

    static int extensionLength(final long ids)
    {
        return (int)(ids >>> 48) & 0xFFFF;
    }

    static int fromId(final long states)
    {
        return (int)states & 0xFFFF;
    }

    static int toId(final long states)
    {
        return (int)(states >>> 16) & 0xFFFF;
    }

    static int stateNames(final long states)
    {
        return (int)(states >>> 32);
    }

    static byte type(final DirectBuffer buffer, final int offset)
    {
        return buffer.getByte(offset + TYPE_OFFSET);
    }

    static short flags(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + FLAGS_OFFSET, ORDER);
    }

    static int busId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + BUS_ID_OFFSET, ORDER);
    }

    static int stateCount(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + STATE_COUNT_OFFSET, ORDER) & 0xFFFF;
    }

    static long session(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SESSION_OFFSET, ORDER);
    }

    static long sequence(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SEQUENCE_OFFSET, ORDER);
    }

    static long timestamp(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + TIMESTAMP_OFFSET, ORDER);
    }

    static int stateNames(final DirectBuffer buffer, final int offset)
    {
        return buffer.getInt(offset + STATE_NAMES_OFFSET, ORDER);
    }

    static int fromId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + FROM_OFFSET, ORDER) & 0xFFFF;
    }

    static int toId(final DirectBuffer buffer, final int offset)
    {
        return buffer.getShort(offset + TO_OFFSET, ORDER) & 0xFFFF;
    }

    /** @return a run's entry's sequence (the entry at {@code entryOffset}). */
    static long entrySequence(final DirectBuffer buffer, final int entryOffset)
    {
        return buffer.getLong(entryOffset + ENTRY_SEQUENCE_OFFSET, ORDER);
    }

    /** @return a run's entry's timestamp. */
    static long entryTimestamp(final DirectBuffer buffer, final int entryOffset)
    {
        return buffer.getLong(entryOffset + ENTRY_TIMESTAMP_OFFSET, ORDER);
    }

    /** @return a run's entry's from id and to id, as the low half of {@link #states}: read with {@link #fromId(long)}
     *  and {@link #toId(long)}. */
    static int entryStates(final DirectBuffer buffer, final int entryOffset)
    {
        return buffer.getInt(entryOffset + ENTRY_STATES_OFFSET, ORDER);
    }

    /** @return the extension's first long: a long bus's {@code from}, a keyed bus's key (a retired one too), or a
     *  run's count. */
    static long firstLong(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + FIRST_LONG_OFFSET, ORDER);
    }

    /** @return a keyed snapshot run end's count of entries: the low half of its {@link #firstLong}. */
    static int runCount(final long firstLong)
    {
        return (int)firstLong;
    }

    /** @return a keyed snapshot run end's fingerprint of the source's {@code retireOn} states: the high half of its
     *  {@link #firstLong}. */
    static int runRetiresOn(final long firstLong)
    {
        return (int)(firstLong >>> 32);
    }

    /** @return a keyed snapshot run end's {@link #firstLong}: its count of entries and its {@code retireOn}
     *  fingerprint. */
    static long runEnd(final int count, final int retiresOn)
    {
        return ((long)retiresOn << 32) | (count & 0xFFFF_FFFFL);
    }

    /** @return the extension's second long: a long bus's {@code to}. */
    static long secondLong(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + SECOND_LONG_OFFSET, ORDER);
    }
}
