package io.statebus.aeron;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * The messages a bridge sends and a mirror reads: one Aeron message each, little-endian: a fixed part of 48 bytes,
 * then the extension of the bus's kind ({@code extension length} bytes: 0 for a bus of states, 16 for a long bus, 8
 * for a keyed bus), or of a run of transitions (below), or of a page of a keyed snapshot run ({@link KeyedSnapshotPage}).
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
 *  |   state count (0: long bus)   |       extension length        | 12
 *  +-------------------------------+-------------------------------+
 *  |                 source session id (random, 64 bits)           | 16
 *  +---------------------------------------------------------------+
 *  |                  sequence (the source bus's)                  | 24
 *  +---------------------------------------------------------------+
 *  |   timestamp nanos (the source bus's; a keyed snapshot entry:  | 32
 *  |                     its index in the run)                     |
 *  +-------------------------------+-------------------------------+
 *  |     from id (0: long bus)     |      to id (0: long bus)      | 40
 *  +-------------------------------+-------------------------------+
 *  |  state names: fingerprint of the table's names (0: long bus)  | 44
 *  +---------------------------------------------------------------+
 *  |  long bus: from value (8)  to value (8)                       | 48
 *  |  keyed bus: key (8); a snapshot end: the count of entries (4) |
 *  |             and the fingerprint of the retireOn states (4)    |
 *  |  a run of transitions of a bus of states: entries 2 .. n      |
 *  |  (a long or keyed bus's: after the values or key, 32 bytes    |
 *  |  each, {@link ExtendedRun})                                   |
 *  +---------------------------------------------------------------+
 *
 *  a run's entry ({@link #ENTRY_LENGTH} = 24 bytes), at 24 + 24 * i for its transition i (0 .. n - 1: the first,
 *  transition 0, is the fixed part's sequence, timestamp and ids, at 24, in an entry's layout):
 *  +---------------------------------------------------------------+
 *  |                  sequence (the source bus's)                  | +0
 *  +---------------------------------------------------------------+
 *  |                timestamp nanos (the source bus's)             | +8
 *  +-------------------------------+-------------------------------+
 *  |            from id            |             to id             | +16
 *  +-------------------------------+-------------------------------+
 *  |                     reserved (written 0)                      | +20
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * <table>
 *   <caption>message types</caption>
 *   <tr><th>type</th><th>bus</th><th>bytes</th><th>what</th></tr>
 *   <tr><td>{@link #TRANSITION} 1</td><td>states</td><td>48 + 24 (n - 1)</td><td>the source's
 *   transition at {@code sequence}; with an extension of {@code 24 (n - 1)} bytes, a run of {@code n} transitions:
 *   the first in the fixed part, the others as entries, in the order the bridge took them</td></tr>
 *   <tr><td>{@link #SNAPSHOT} 2</td><td>states</td><td>48</td><td>the source's latest transition that the bridge
 *   has sent or dropped, repeated so that a mirror that joins late, or lost messages, finds the source's sequence
 *   and state; with {@link #FLAG_FROM_UNKNOWN} the bridge's join point, whose {@code from} it never saw
 *   ({@code from == to})</td></tr>
 *   <tr><td>{@link #LONG_TRANSITION} 3</td><td>long</td><td>64 + 32 (n - 1)</td><td>as 1, the values at 48 and 56;
 *   with a longer extension, a run of {@code n} transitions ({@link ExtendedRun})</td></tr>
 *   <tr><td>{@link #LONG_SNAPSHOT} 4</td><td>long</td><td>64</td><td>as 2, the values at 48 and 56</td></tr>
 *   <tr><td>{@link #KEYED_TRANSITION} 5</td><td>keyed</td><td>56 + 32 (n - 1)</td><td>as 1, the key at 48; with a
 *   longer extension, a run of {@code n} transitions ({@link ExtendedRun})</td></tr>
 *   <tr><td>{@link #KEYED_SNAPSHOT} 6</td><td>keyed</td><td>56 + 16 (n - 1)</td><td>a page of a snapshot run:
 *   {@code n} open keys ({@link KeyedSnapshotPage}); the first's key at 48, its state in {@code to id} ({@code from
 *   id} equal), its index in the run (0, 1, ...) at 32, the others as entries of 16 bytes after the key; and the
 *   source's sequence the run describes</td></tr>
 *   <tr><td>{@link #KEYED_SNAPSHOT_END} 7</td><td>keyed</td><td>56</td><td>ends a snapshot run: the same sequence,
 *   its timestamp at 32, the count of entries sent at 48 (4 bytes), and at 52 (4 bytes) the fingerprint of the
 *   states on reaching which the source retires a key ({@code retireOn}): CRC-32C over their ids in id order, each
 *   as 2 bytes little-endian, 0 for none</td></tr>
 *   <tr><td>{@link #KEYED_RETIRE} 8</td><td>keyed</td><td>56</td><td>a key the source retired with
 *   {@code KeyedStateBus.retire(key)}, which publishes no transition: the key at 48; at 24 the source's sequence
 *   the key is known at (its latest transition before the retirement, {@code >= 0}); at 32 (the timestamp's place)
 *   the source's sequence as of which the key is retired (at or after the one at 24): the one the retirement
 *   followed, from the source's log of them, or the bridge's position when it found the key gone; the key's last state in {@code from id} and {@code to id} (equal). Sent after every
 *   transition up to that position, never inside a run; a mirror retires the key only if its latest transition of
 *   it is at or before the position at 32 (a later one reopened it; a key it took from a snapshot run counts as at
 *   the run's sequence, which may be after the one at 24)</td></tr>
 * </table>
 *
 * <p>A run of transitions (version 4) is the bridge's smart batching: a duty cycle sends the transitions its poll
 * found (up to {@link TransitionBridgeBuilder#batchLimit} and what one message of the publication holds,
 * {@code maxPayloadLength}) as one message, so Aeron's cost per message (claim, commit, the receiver's fragment and
 * header checks) is paid once per run; it waits for nothing: a transition alone goes alone ({@code n = 1}, 48 bytes,
 * as before). A mirror reads a run as its {@code n} transitions in a row: each entry is checked (state ids inside the
 * table, a sequence above 0) and applied as a message of its own would be, a refused one changes nothing, and the
 * run's other transitions are applied. The entry's sequences are the source's, so a jump between two entries is an
 * exact gap. A run whose extension is not a multiple of 24 is refused whole ({@link MalformedReason#LENGTH}). A long
 * or keyed bus's transitions travel in runs too since version 6 ({@link ExtendedRun}: 32 bytes a further
 * transition).
 *
 * <p>A keyed snapshot run describes the source's open keys as of one sequence: the bridge sends it with nothing
 * between its messages (it takes no transition from its bus until the run ends), so a mirror that receives entries
 * {@code 0 .. n - 1} (in pages) and the end marker with count {@code n}, all for sequence {@code P}, holds the whole
 * table at {@code P}, and the transitions after the marker follow {@code P}. A mirror starts only from such a complete run,
 * and only if the marker's {@code retireOn} fingerprint is its own local bus's: a mirror built with another
 * {@code retireOn} would keep or drop keys otherwise than the source, so it refuses the run
 * ({@link MalformedReason#RETIRES_ON}) and never starts. Checking the marker is enough: a mirror applies a session's
 * transitions only after a run of that session, and a bus's {@code retireOn} is fixed when it is built; no
 * transition carries it. (The fingerprint came after the count, in the count's high half: a bridge that retires no
 * key sends the same bytes as before it; a mirror from before it reads another count in the marker of a source that
 * retires keys, so it refuses the run as not whole, {@link MalformedReason#SNAPSHOT}, and never starts either.)
 *
 * <p>States travel as ids (16 bits: a table holds at most {@link StateTable#MAX_STATES}); every message of a bus of
 * states or a keyed bus also carries the count of states and {@link StateTable#fingerprint()}, a fingerprint of the
 * states' names in id order, and a mirror refuses a message whose count or fingerprint differs from its own table's
 * ({@link MalformedReason#STATE_COUNT}, {@link MalformedReason#STATE_NAMES}): two sides that number their states
 * differently never exchange a wrong state. A message of another kind of bus than the mirror registered for its bus
 * id is refused ({@link MalformedReason#KIND}); so is another magic, version or type, or a length (or extension
 * length) other than its type's ({@link MalformedReason#TOO_SHORT}, {@link MalformedReason#LENGTH}). Version 6 put
 * a long or keyed bus's transitions in runs; version 5 put a keyed snapshot run's keys in pages (a message a key
 * before); version 4 added runs of transitions; version 3 the long and keyed types; version 2 had only types 1 and 2
 * with the same layout.
 * A mirror of one version refuses the other's messages ({@link MalformedReason#VERSION}).
 */
public final class WireFormat
{
    /** "SBUS" as a little-endian int. */
    public static final int MAGIC = 0x53425553;
    /**
     * The version this code writes and reads: 6, the first with a long or keyed bus's transitions in runs (5 put a
     * keyed snapshot run's keys in pages, 4 added runs of transitions, 3 long and keyed buses).
     */
    public static final byte VERSION = 6;
    /** A transition of a bus of states. */
    public static final byte TRANSITION = 1;
    /** A snapshot of a bus of states: its latest transition. */
    public static final byte SNAPSHOT = 2;
    /** A transition of a long bus. */
    public static final byte LONG_TRANSITION = 3;
    /** A snapshot of a long bus: its latest transition. */
    public static final byte LONG_SNAPSHOT = 4;
    /** A transition of a keyed bus. */
    public static final byte KEYED_TRANSITION = 5;
    /** One open key of a keyed bus's snapshot run. */
    public static final byte KEYED_SNAPSHOT = 6;
    /** The end of a keyed bus's snapshot run. */
    public static final byte KEYED_SNAPSHOT_END = 7;
    /** A key of a keyed bus retired with {@code retire(key)}: the mirror retires it too. Since version 3's second
     *  revision; a mirror without it refuses it as an unknown type ({@link MalformedReason#TYPE}). */
    public static final byte KEYED_RETIRE = 8;
    /** On a snapshot: the bridge's join point, {@code from} unknown (sent equal to {@code to}). */
    public static final short FLAG_FROM_UNKNOWN = 1;
    /** On a keyed snapshot run's messages: the bridge rebuilt its copy of the source's keys (the source's log of
     *  explicit retirements lapped it, so a live mirror may hold keys the source retired): a live mirror of the
     *  session resyncs its key table from the run even if it lost nothing. */
    public static final short FLAG_REPAIR = 2;
    /** Bytes of the fixed part; a bus of states's whole message when it carries one transition. */
    public static final int LENGTH = 48;
    /** Bytes of each further transition of a run ({@link #TRANSITION} with an extension): after the fixed part. */
    public static final int ENTRY_LENGTH = 24;
    /** The kind of a bus of states ({@link #TRANSITION}, {@link #SNAPSHOT}). */
    static final int STATES = 0;
    /** The kind of a long bus ({@link #LONG_TRANSITION}, {@link #LONG_SNAPSHOT}). */
    static final int LONGS = 1;
    /** The kind of a keyed bus ({@link #KEYED_TRANSITION}, {@link #KEYED_SNAPSHOT}, {@link #KEYED_SNAPSHOT_END},
     *  {@link #KEYED_RETIRE}). */
    static final int KEYED = 2;

    static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int TYPE_OFFSET = 5;
    static final int FLAGS_OFFSET = 6;
    static final int BUS_ID_OFFSET = 8;
    static final int STATE_COUNT_OFFSET = 12;
    static final int EXTENSION_LENGTH_OFFSET = 14;
    static final int SESSION_OFFSET = 16;
    static final int SEQUENCE_OFFSET = 24;
    static final int TIMESTAMP_OFFSET = 32;
    static final int FROM_OFFSET = 40;
    static final int TO_OFFSET = 42;
    static final int STATE_NAMES_OFFSET = 44;
    static final int FIRST_LONG_OFFSET = 48;
    static final int SECOND_LONG_OFFSET = 56;
    static final int ENTRY_SEQUENCE_OFFSET = 0;
    static final int ENTRY_TIMESTAMP_OFFSET = 8;
    static final int ENTRY_STATES_OFFSET = 16;
    /** The most transitions in one run: its extension length is a 16-bit field. */
    static final int MAX_RUN = 0xFFFF / ENTRY_LENGTH + 1;

    private WireFormat()
    {
    }

    /**
     * @return where transition {@code index} of a run at {@code offset} is: its entry; for 0, the fixed part's
     *     sequence (byte 24), which with its timestamp and ids has an entry's layout.
     */
    static int entryOffset(final int offset, final int index)
    {
        return offset + SEQUENCE_OFFSET + index * ENTRY_LENGTH;
    }

    /** @return the kind of bus ({@link #STATES}, {@link #LONGS}, {@link #KEYED}) of a known type, else -1. */
    static int kindOf(final byte type)
    {
        return type >= TRANSITION && type <= KEYED_RETIRE ? Math.min((type - 1) >> 1, KEYED) : -1;
    }

    /** @return the bytes of a message of this kind of bus. */
    static int lengthOf(final int kind)
    {
        return LENGTH + (kind == LONGS ? 16 : kind == KEYED ? 8 : 0);
    }

    /** @return the type of a transition ({@code snapshot} false) or a latest-transition snapshot of this kind. */
    static byte typeOf(final int kind, final boolean snapshot)
    {
        return (byte)(1 + 2 * kind + (snapshot ? 1 : 0));
    }

    /**
     * Writes one message of {@link #lengthOf}{@code (kind)} bytes at {@code offset}; {@code first} and
     * {@code second} are the extension's longs (a long bus's values; a keyed bus's key, or count, and nothing).
     */
    static void write(
        final MutableDirectBuffer buffer, final int offset, final byte type, final short flags, final int busId,
        final int stateCount, final int stateNames, final long session, final long sequence, final long timestampNanos,
        final int fromId, final int toId, final long first, final long second)
    {
        final int kind = kindOf(type);
        WireWords.writeFixed(buffer, offset, WireWords.head(type, flags),
            WireWords.ids(busId, stateCount, lengthOf(kind) - LENGTH), session, sequence, timestampNanos,
            WireWords.states(fromId, toId, stateNames));
        WireWords.writeExtension(buffer, offset, kind, first, second);
    }

    /**
     * Checks the parts of a message that do not depend on the bus: length, magic, version, type, its length.
     *
     * @return null if well-formed, else what is wrong.
     */
    static MalformedReason check(final DirectBuffer buffer, final int offset, final int length)
    {
        return length < LENGTH ? MalformedReason.TOO_SHORT : check(WireFields.head(buffer, offset), WireFields.ids(buffer, offset), length);
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
        final int kind = kindOf(WireFields.type(head));
        if (kind < 0)
        {
            return MalformedReason.TYPE;
        }
        final int extension = (int)(ids >>> 48);
        final byte type = WireFields.type(head);
        // transitions of any kind: 1 or a run; a keyed snapshot run's keys: a page of 1 or more
        final boolean run = type == TRANSITION;
        final boolean extendedRun = type == LONG_TRANSITION || type == KEYED_TRANSITION;
        final boolean page = type == KEYED_SNAPSHOT;
        final int expected = run || extendedRun || page ? LENGTH + extension : lengthOf(kind);
        if (length < expected)
        {
            return MalformedReason.TOO_SHORT;
        }
        final boolean extensionFits = run ? extension % ENTRY_LENGTH == 0 :
            extendedRun ? ExtendedRun.isRun(kind, extension) :
            page ? KeyedSnapshotPage.isPage(extension) : extension == expected - LENGTH;
        return length != expected || !extensionFits ? MalformedReason.LENGTH : null;
    }
}
