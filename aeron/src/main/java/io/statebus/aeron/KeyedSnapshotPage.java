package io.statebus.aeron;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.statebus.aeron.WireFormat.FIRST_LONG_OFFSET;
import static io.statebus.aeron.WireFormat.LENGTH;
import static io.statebus.aeron.WireFormat.ORDER;

/**
 * A page of a keyed snapshot run (since {@link WireFormat} version 5): one {@link WireFormat#KEYED_SNAPSHOT} message
 * carrying {@code n >= 1} consecutive entries of the run, so that a run of many keys costs Aeron a message per page,
 * not per key (10,000 keys on IPC: 121 messages, 165 KiB of the log, where one message a key took 10,000 and 940 KiB; the
 * bridge sends no transition while a run goes). The fixed part and the first key are a one-key page, laid out as a
 * version-4 entry was; the extension holds {@code 8 + 16 (n - 1)} bytes:
 * <pre>
 *   24  the sequence the run describes          32  the index in the run of the page's first entry
 *   42  the first entry's state id (from id equal, at 40)
 *   48  the first entry's key
 *   56 + 16 (i - 1), for entry i = 1 .. n - 1 (index: the first's + i):
 *       +0  its key (8)     +8  its state id (2)     +10  reserved, written 0 (6)
 * </pre>
 * A mirror reads a page as its entries in a row; a page whose extension is not {@code 8 + 16 k} is refused whole
 * ({@link MalformedReason#LENGTH}), and so is one with a state id outside the table ({@link MalformedReason#STATE_ID}).
 */
final class KeyedSnapshotPage
{
    /** Bytes of each entry after a page's first. */
    static final int ENTRY_LENGTH = 16;
    /** The extension of a one-key page: its key. */
    static final int FIRST_EXTENSION = 8;
    /** The most entries in one page: its extension length is a 16-bit field. */
    static final int MAX_ENTRIES = (0xFFFF - FIRST_EXTENSION) / ENTRY_LENGTH + 1;
    private static final int STATE_OFFSET = 8;

    private KeyedSnapshotPage()
    {
    }

    /** @return the extension length of a page of {@code count} entries. */
    static int extensionOf(final int count)
    {
        return FIRST_EXTENSION + (count - 1) * ENTRY_LENGTH;
    }

    /** @return whether {@code extension} is a page's: {@code 8 + 16 k}. */
    static boolean isPage(final int extension)
    {
        return extension >= FIRST_EXTENSION && (extension - FIRST_EXTENSION) % ENTRY_LENGTH == 0;
    }

    /** @return the entries of a page whose extension length is {@code extension} (one {@link #isPage}). */
    static int count(final int extension)
    {
        return (extension - FIRST_EXTENSION) / ENTRY_LENGTH + 1;
    }

    /** @return the most entries one message of a publication holds, whose claims take {@code maxPayloadLength}. */
    static int fits(final int maxPayloadLength)
    {
        return Math.max(1, Math.min(MAX_ENTRIES, (maxPayloadLength - LENGTH - FIRST_EXTENSION) / ENTRY_LENGTH + 1));
    }

    /** @return entry {@code i}'s key in the page at {@code offset}. */
    static long key(final DirectBuffer buffer, final int offset, final int i)
    {
        return i == 0 ? WireFields.firstLong(buffer, offset) : buffer.getLong(entryOffset(offset, i), ORDER);
    }

    /** @return entry {@code i}'s state id in the page at {@code offset}. */
    static int stateId(final DirectBuffer buffer, final int offset, final int i)
    {
        return i == 0 ? WireFields.toId(WireFields.states(buffer, offset)) :
            buffer.getShort(entryOffset(offset, i) + STATE_OFFSET, ORDER) & 0xFFFF;
    }

    /** Writes entry {@code i} (from 1) of the page at {@code offset}; entry 0 is the fixed part's. */
    static void putEntry(final MutableDirectBuffer buffer, final int offset, final int i, final long key,
        final int stateId)
    {
        final int at = entryOffset(offset, i);
        buffer.putLong(at, key, ORDER);
        buffer.putLong(at + STATE_OFFSET, stateId & 0xFFFFL, ORDER); // the id and the reserved bytes in one store
    }

    /** @return whether every entry after the first of a page of {@code count} entries has a state id below {@code size}. */
    static boolean idsWithin(final DirectBuffer buffer, final int offset, final int count, final int size)
    {
        for (int i = 1; i < count; i++)
        {
            if (stateId(buffer, offset, i) >= size)
            {
                return false;
            }
        }
        return true;
    }

    private static int entryOffset(final int offset, final int i)
    {
        return offset + FIRST_LONG_OFFSET + FIRST_EXTENSION + (i - 1) * ENTRY_LENGTH;
    }
}
