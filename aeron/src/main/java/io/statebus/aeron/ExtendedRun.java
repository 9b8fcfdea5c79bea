package io.statebus.aeron;

import org.agrona.DirectBuffer;

import static io.statebus.aeron.WireFormat.KEYED;
import static io.statebus.aeron.WireFormat.LENGTH;
import static io.statebus.aeron.WireFormat.LONGS;
import static io.statebus.aeron.WireFormat.ORDER;

/**
 * A run of a long bus's or a keyed bus's transitions (since {@link WireFormat} version 6): one
 * {@link WireFormat#LONG_TRANSITION} or {@link WireFormat#KEYED_TRANSITION} message carrying {@code n >= 1} of them,
 * as a bus of states's transitions travel in runs since version 4, so that Aeron's cost per message is paid once per
 * run. A run of one is a version-5 transition of its kind (64 or 56 bytes): the first transition in the fixed part
 * with its extension (a long bus's values at 48 and 56, a keyed bus's key at 48); each further one a 32-byte entry
 * after the first's extension, at {@code 48 + e + 32 (i - 1)} for transition {@code i = 1 .. n - 1} ({@code e}: 16
 * for a long bus, 8 for a keyed bus):
 * <pre>
 *   long bus:   +0  sequence     +8  timestamp     +16  from value                          +24  to value
 *   keyed bus:  +0  sequence     +8  timestamp     +16  from id (2), to id (2), 0 (4)       +24  key
 * </pre>
 * A mirror reads a run as its transitions in a row, each checked and applied as a message of its own would be; a run
 * whose extension is not {@code e + 32 k} is refused whole ({@link MalformedReason#LENGTH}). The bridge stages a
 * poll's transitions in the entries' layout ({@link BridgeStaging}), so a run's transitions after the first are one
 * copy.
 */
final class ExtendedRun
{
    /** Bytes of each transition after a run's first. */
    static final int ENTRY_LENGTH = 32;
    /** Where an entry's third word is: a long bus's from value, a keyed bus's word of state ids. */
    static final int THIRD_OFFSET = 16;
    /** Where an entry's fourth word is: a long bus's to value, a keyed bus's key. */
    static final int FOURTH_OFFSET = 24;

    private ExtendedRun()
    {
    }

    /** @return the extension of a run of one of {@code kind} ({@link WireFormat#LONGS} or {@link WireFormat#KEYED}). */
    static int firstExtension(final int kind)
    {
        return kind == LONGS ? 16 : 8;
    }

    /** @return the extension length of a run of {@code count} transitions of {@code kind}. */
    static int extensionOf(final int kind, final int count)
    {
        return firstExtension(kind) + (count - 1) * ENTRY_LENGTH;
    }

    /** @return whether {@code extension} is a run's of {@code kind}: {@code e + 32 k}. */
    static boolean isRun(final int kind, final int extension)
    {
        final int first = firstExtension(kind);
        return extension >= first && (extension - first) % ENTRY_LENGTH == 0;
    }

    /** @return the transitions after the first of a run of {@code kind} whose extension is {@code extension}. */
    static int entries(final int kind, final int extension)
    {
        return (extension - firstExtension(kind)) / ENTRY_LENGTH;
    }

    /**
     * @return the most transitions one message of {@code kind} holds in a publication whose claims take
     *     {@code maxPayloadLength} (and a 16-bit extension length).
     */
    static int fits(final int kind, final int maxPayloadLength)
    {
        final int first = firstExtension(kind);
        final int most = (0xFFFF - first) / ENTRY_LENGTH + 1;
        return Math.max(1, Math.min(most, (maxPayloadLength - LENGTH - first) / ENTRY_LENGTH + 1));
    }

    /** @return where transition {@code i} (from 1) of the run of {@code kind} at {@code offset} is. */
    static int entryOffset(final int kind, final int offset, final int i)
    {
        return offset + LENGTH + firstExtension(kind) + (i - 1) * ENTRY_LENGTH;
    }

    /** @return the sequence of the entry at {@code entryOffset}. */
    static long sequence(final DirectBuffer buffer, final int entryOffset)
    {
        return buffer.getLong(entryOffset, ORDER);
    }

    /** @return the timestamp of the entry at {@code entryOffset}. */
    static long timestamp(final DirectBuffer buffer, final int entryOffset)
    {
        return buffer.getLong(entryOffset + 8, ORDER);
    }

    /** @return the third word of the entry at {@code entryOffset}: a long bus's from value, a keyed bus's ids. */
    static long third(final DirectBuffer buffer, final int entryOffset)
    {
        return buffer.getLong(entryOffset + THIRD_OFFSET, ORDER);
    }

    /** @return the fourth word of the entry at {@code entryOffset}: a long bus's to value, a keyed bus's key. */
    static long fourth(final DirectBuffer buffer, final int entryOffset)
    {
        return buffer.getLong(entryOffset + FOURTH_OFFSET, ORDER);
    }

    /** @return whether {@code kind} travels in runs of this layout. */
    static boolean isExtended(final int kind)
    {
        return kind == LONGS || kind == KEYED;
    }
}
