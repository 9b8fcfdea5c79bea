package io.statebus.aeron;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The messages a bridge sends and a mirror reads: one Aeron message each, 48 bytes, little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                     magic 0x53425553 "SBUS"                   |  0
 *  +---------------+---------------+-------------------------------+
 *  |    version    |     type      |             flags             |  4
 *  +---------------+---------------+-------------------------------+
 *  |                            bus id                             |  8
 *  +-------------------------------+-------------------------------+
 *  |          state count          |       key length (0 now)      | 12
 *  +-------------------------------+-------------------------------+
 *  |                 source session id (random, 64 bits)           | 16
 *  +---------------------------------------------------------------+
 *  |                  sequence (the source bus's)                  | 24
 *  +---------------------------------------------------------------+
 *  |                 timestamp nanos (the source bus's)            | 32
 *  +-------------------------------+-------------------------------+
 *  |            from id            |             to id             | 40
 *  +-------------------------------+-------------------------------+
 *  |    state names: fingerprint of the table's names (32 bits)    | 44
 *  +---------------------------------------------------------------+
 *  |  key bytes (key length of them; keyed buses, not yet built)   | 48
 * </pre>
 *
 * <ul>
 *   <li>{@link #TRANSITION}: the source's transition at {@code sequence}.</li>
 *   <li>{@link #SNAPSHOT}: the source's latest transition that the bridge has sent or dropped, repeated so that a
 *   mirror that joins late, or lost messages, finds the source's sequence and state. With {@link #FLAG_FROM_UNKNOWN}
 *   it is the bridge's join point, whose {@code from} the bridge never saw ({@code from == to}).</li>
 * </ul>
 *
 * <p>States travel as ids (16 bits: a table holds at most {@link StateTable#MAX_STATES}); every message also carries
 * the count of states and {@link StateTable#fingerprint()}, a fingerprint of the states' names in id order, and a
 * mirror refuses a message whose count or fingerprint differs from its own table's
 * ({@link MalformedReason#STATE_COUNT}, {@link MalformedReason#STATE_NAMES}): two sides that number their states
 * differently never exchange a wrong state. Version 1 had no fingerprint (from and to were 32 bits each); a mirror of
 * this version refuses its messages ({@link MalformedReason#VERSION}), and the other way round.
 *
 * <p>A key for keyed buses will follow the fixed part ({@code key length} bytes): a mirror of this version refuses a
 * message with a key, as it refuses another magic, version, type, or a message shorter than {@link #LENGTH}.
 */
public final class WireFormat
{
    /** "SBUS" as a little-endian int. */
    public static final int MAGIC = 0x53425553;
    /** The version this code writes and reads: 2, the first with the state names' fingerprint. */
    public static final byte VERSION = 2;
    /** A transition. */
    public static final byte TRANSITION = 1;
    /** A snapshot of the source's latest transition. */
    public static final byte SNAPSHOT = 2;
    /** On a snapshot: the bridge's join point, {@code from} unknown (sent equal to {@code to}). */
    public static final short FLAG_FROM_UNKNOWN = 1;
    /** Bytes of a message without a key. */
    public static final int LENGTH = 48;

    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int TYPE_OFFSET = 5;
    static final int FLAGS_OFFSET = 6;
    static final int BUS_ID_OFFSET = 8;
    static final int STATE_COUNT_OFFSET = 12;
    static final int KEY_LENGTH_OFFSET = 14;
    static final int SESSION_OFFSET = 16;
    static final int SEQUENCE_OFFSET = 24;
    static final int TIMESTAMP_OFFSET = 32;
    static final int FROM_OFFSET = 40;
    static final int TO_OFFSET = 42;
    static final int STATE_NAMES_OFFSET = 44;

    private WireFormat()
    {
    }

    /** Writes one message of {@link #LENGTH} bytes at {@code offset}. */
    static void write(
        final MutableDirectBuffer buffer, final int offset, final byte type, final short flags, final int busId,
        final int stateCount, final int stateNames, final long session, final long sequence, final long timestampNanos,
        final int fromId, final int toId)
    {
        buffer.putInt(offset + MAGIC_OFFSET, MAGIC, ORDER);
        buffer.putByte(offset + VERSION_OFFSET, VERSION);
        buffer.putByte(offset + TYPE_OFFSET, type);
        buffer.putShort(offset + FLAGS_OFFSET, flags, ORDER);
        buffer.putInt(offset + BUS_ID_OFFSET, busId, ORDER);
        buffer.putShort(offset + STATE_COUNT_OFFSET, (short)stateCount, ORDER);
        buffer.putShort(offset + KEY_LENGTH_OFFSET, (short)0, ORDER);
        buffer.putLong(offset + SESSION_OFFSET, session, ORDER);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, ORDER);
        buffer.putLong(offset + TIMESTAMP_OFFSET, timestampNanos, ORDER);
        buffer.putShort(offset + FROM_OFFSET, (short)fromId, ORDER);
        buffer.putShort(offset + TO_OFFSET, (short)toId, ORDER);
        buffer.putInt(offset + STATE_NAMES_OFFSET, stateNames, ORDER);
    }

    /**
     * Checks the parts of a message that do not depend on the bus: length, magic, version, type, no key.
     *
     * @return null if well-formed, else what is wrong.
     */
    static MalformedReason check(final DirectBuffer buffer, final int offset, final int length)
    {
        return length < LENGTH ? MalformedReason.TOO_SHORT : check(head(buffer, offset), ids(buffer, offset), length);
    }

    /**
     * As {@link #check(DirectBuffer, int, int)}, on the message's first two words ({@link #head}, {@link #ids}),
     * which the receiver reads once per message: six 8-byte reads decode a whole message, where one read per field
     * took fourteen, each with its bounds check.
     *
     * @return null if well-formed, else what is wrong.
     */
    static MalformedReason check(final long head, final long ids, final int length)
    {
        if (length < LENGTH)
        {
            return MalformedReason.TOO_SHORT;
        }
        if ((int)head != MAGIC)
        {
            return MalformedReason.FOREIGN;
        }
        if ((byte)(head >>> 32) != VERSION)
        {
            return MalformedReason.VERSION;
        }
        final byte type = type(head);
        if (type != TRANSITION && type != SNAPSHOT)
        {
            return MalformedReason.TYPE;
        }
        if ((short)(ids >>> 48) != 0 || length != LENGTH)
        {
            return MalformedReason.KEYED;
        }
        return null;
    }

    /** @return bytes 0-7, little-endian: magic, version, type, flags. */
    static long head(final DirectBuffer buffer, final int offset)
    {
        return buffer.getLong(offset + MAGIC_OFFSET, ORDER);
    }

    /** @return bytes 8-15, little-endian: bus id, state count, key length. */
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
}
