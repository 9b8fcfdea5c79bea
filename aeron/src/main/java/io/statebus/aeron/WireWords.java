package io.statebus.aeron;

import org.agrona.MutableDirectBuffer;

import static io.statebus.aeron.WireFormat.BUS_ID_OFFSET;
import static io.statebus.aeron.WireFormat.ENTRY_SEQUENCE_OFFSET;
import static io.statebus.aeron.WireFormat.ENTRY_STATES_OFFSET;
import static io.statebus.aeron.WireFormat.ENTRY_TIMESTAMP_OFFSET;
import static io.statebus.aeron.WireFormat.FIRST_LONG_OFFSET;
import static io.statebus.aeron.WireFormat.FROM_OFFSET;
import static io.statebus.aeron.WireFormat.LONGS;
import static io.statebus.aeron.WireFormat.MAGIC;
import static io.statebus.aeron.WireFormat.MAGIC_OFFSET;
import static io.statebus.aeron.WireFormat.ORDER;
import static io.statebus.aeron.WireFormat.SECOND_LONG_OFFSET;
import static io.statebus.aeron.WireFormat.SEQUENCE_OFFSET;
import static io.statebus.aeron.WireFormat.SESSION_OFFSET;
import static io.statebus.aeron.WireFormat.STATES;
import static io.statebus.aeron.WireFormat.TIMESTAMP_OFFSET;
import static io.statebus.aeron.WireFormat.VERSION;

/**
 * Writes messages laid out as {@link WireFormat} draws them, a word at a time: a writer composes the words that do
 * not change between its messages (head, ids, the state names) once, and each message then costs six 8-byte stores
 * for its fixed part and three per further transition of a run. The reading side is {@link WireFields}.
 */
final class WireWords
{
    private WireWords()
    {
    }

    /**
     * Writes a message's fixed part from its words: six 8-byte stores (one bounds check each, where one store per
     * field took thirteen). The extension, if any, is the caller's to write.
     *
     * @param head   bytes 0-7 ({@link #head}).
     * @param ids    bytes 8-15 ({@link #ids}).
     * @param states bytes 40-47 ({@link #states}).
     */
    static void writeFixed(
        final MutableDirectBuffer buffer, final int offset, final long head, final long ids, final long session,
        final long sequence, final long timestampNanos, final long states)
    {
        buffer.putLong(offset + MAGIC_OFFSET, head, ORDER);
        buffer.putLong(offset + BUS_ID_OFFSET, ids, ORDER);
        buffer.putLong(offset + SESSION_OFFSET, session, ORDER);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, ORDER);
        buffer.putLong(offset + TIMESTAMP_OFFSET, timestampNanos, ORDER);
        buffer.putLong(offset + FROM_OFFSET, states, ORDER);
    }

    /** Writes a message's first three words (head, ids, session): what precedes its first transition. */
    static void writeHead(
        final MutableDirectBuffer buffer, final int offset, final long head, final long ids, final long session)
    {
        buffer.putLong(offset + MAGIC_OFFSET, head, ORDER);
        buffer.putLong(offset + BUS_ID_OFFSET, ids, ORDER);
        buffer.putLong(offset + SESSION_OFFSET, session, ORDER);
    }

    /** Writes the extension of a message of {@code kind}: a long bus's two values, a keyed bus's key; else nothing. */
    static void writeExtension(
        final MutableDirectBuffer buffer, final int offset, final int kind, final long first, final long second)
    {
        if (kind != STATES)
        {
            buffer.putLong(offset + FIRST_LONG_OFFSET, first, ORDER);
        }
        if (kind == LONGS)
        {
            buffer.putLong(offset + SECOND_LONG_OFFSET, second, ORDER);
        }
    }

    /**
     * Writes one entry of a run ({@link WireFormat#ENTRY_LENGTH} bytes at {@code entryOffset}): sequence, timestamp,
     * and the word of from and to ids (its high half, reserved, 0).
     */
    static void writeEntry(
        final MutableDirectBuffer buffer, final int entryOffset, final long sequence, final long timestampNanos,
        final int fromId, final int toId)
    {
        buffer.putLong(entryOffset + ENTRY_SEQUENCE_OFFSET, sequence, ORDER);
        buffer.putLong(entryOffset + ENTRY_TIMESTAMP_OFFSET, timestampNanos, ORDER);
        buffer.putLong(entryOffset + ENTRY_STATES_OFFSET, states(fromId, toId, 0), ORDER);
    }

    /** @return bytes 0-7 as one little-endian word: magic, {@link WireFormat#VERSION}, type, flags. */
    static long head(final byte type, final short flags)
    {
        return (MAGIC & 0xFFFF_FFFFL) | (long)(VERSION & 0xFF) << 32 | (long)(type & 0xFF) << 40 |
            (long)(flags & 0xFFFF) << 48;
    }

    /** @return bytes 8-15 as one little-endian word: bus id, state count, extension length. */
    static long ids(final int busId, final int stateCount, final int extensionLength)
    {
        return (busId & 0xFFFF_FFFFL) | (long)(stateCount & 0xFFFF) << 32 | (long)(extensionLength & 0xFFFF) << 48;
    }

    /** @return bytes 40-47 as one little-endian word: from id, to id, state names. */
    static long states(final int fromId, final int toId, final int stateNames)
    {
        return (fromId & 0xFFFFL) | (long)(toId & 0xFFFF) << 16 | (long)stateNames << 32;
    }
}
