package io.statebus.keys;

import org.agrona.collections.LongHashSet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A copy of a {@link KeyTable}'s live keys and their entries, taken by any thread without a lock and without
 * holding the writer back, for a transport's snapshot or a mirror's repair: not for a hot path (it allocates).
 *
 * <p>The pass reads a few slots at a time, each chunk framed by the table's version (a seqlock per chunk, not per
 * pass: a writer that retires keys all the time would otherwise make a whole-table pass start again for ever). A
 * retirement moves keys only back towards their homes, within the slots it reports ({@link KeyTable#removal}); so
 * when retirements land during a chunk, the pass keeps what no moved key can have crossed and copies again from the
 * first slot that one may have ({@link #trustedUpTo}). More retirements between two looks than the table keeps (the
 * reader was descheduled for long) start the pass again.
 *
 * <p>Every key live during the whole pass is copied once; a key opened or retired meanwhile may or may not be; each
 * entry is the key's latest at the moment it was read.
 */
public final class LiveKeys
{
    private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(long[].class);
    /** Slots copied between two looks at the version: four cache lines of keys and entries. */
    private static final int CHUNK = 16;

    private long[] keys;
    private long[] entries;
    /** Where each copy was read, in slots from the pass's first: to drop the copies a retirement made unsure. */
    private int[] offsets;
    private int size;
    private boolean overlapped;

    private LiveKeys(final int capacity)
    {
        keys = new long[capacity];
        entries = new long[capacity];
        offsets = new int[capacity];
    }

    /**
     * @param table a key table, written by another thread or by this one.
     * @return its live keys, as above.
     */
    public static LiveKeys of(final KeyTable table)
    {
        final LiveKeys live = new LiveKeys(Math.max(CHUNK, Math.min(table.maxKeys(), 1 << 16)));
        while (!live.pass(table))
        {
            Thread.onSpinWait();
        }
        if (live.overlapped)
        {
            live.dropRepeats(); // a key retired and opened again while the pass went by may be read twice
        }
        return live;
    }

    /** @return how many keys were copied. */
    public int size()
    {
        return size;
    }

    /**
     * @param i an index below {@link #size()}.
     * @return the key copied there.
     */
    public long key(final int i)
    {
        return keys[i];
    }

    /**
     * @param i an index below {@link #size()}.
     * @return its entry, a {@link KeyEntry} word.
     */
    public long entry(final int i)
    {
        return entries[i];
    }

    /** @return false if the pass must start again (too many retirements between two looks at the version). */
    private boolean pass(final KeyTable table)
    {
        final long[] pairs = table.pairs();
        final int mask = pairs.length / 2 - 1;
        size = 0;
        long seen = table.settledVersion();
        final int start = anEmptySlot(pairs, mask); // a pass from a gap between probe chains: none wraps past it
        int offset = 0;
        while (offset <= mask)
        {
            final int end = Math.min(offset + CHUNK, mask + 1);
            for (int o = offset; o < end; o++)
            {
                final int i = start + o & mask;
                final long entry = (long)ENTRY.getAcquire(pairs, 2 * i + 1); // acquire: the key written before it
                if (entry != KeyTable.ABSENT)
                {
                    add(pairs[2 * i], entry, o);
                }
            }
            VarHandle.loadLoadFence(); // the chunk's loads before the version's re-read
            if (table.versionNow() == seen)
            {
                offset = end;
                continue;
            }
            final long settled = table.settledVersion();
            final int from = trustedUpTo(table, start, mask, seen, settled, offset, end);
            if (from < 0)
            {
                return false;
            }
            seen = settled;
            overlapped = true;
            while (size > 0 && offsets[size - 1] >= from)
            {
                size--; // copied where a retirement may have moved keys: copy again
            }
            offset = from;
        }
        return true;
    }

    /**
     * Where the pass must copy again after the retirements closed with the versions after {@code seen} up to
     * {@code settled}, which came while it copied {@code [offset, end)} (slot offsets from its first): the lowest
     * slot a retirement touched whose keys may have moved across it or been read mid-move. A retirement moves keys
     * only back, within its slots; one that touched no slot at or after the point found, or none before it, moved
     * no key across it, and no key crossed it in several moves without one that did.
     *
     * @return the offset to copy again from ({@code end} if nothing was in doubt), or -1 to start the pass again.
     */
    private static int trustedUpTo(final KeyTable table, final int start, final int mask, final long seen,
        final long settled, final int offset, final int end)
    {
        if (settled - seen > 2L * (KeyTable.REMOVALS_KEPT - 8))
        {
            return -1; // more than are kept: some are not known
        }
        final long[] slots = new long[(int)((settled - seen) >>> 1)];
        for (int k = 0; k < slots.length; k++)
        {
            slots[k] = table.removal(seen + 2L * (k + 1));
        }
        VarHandle.loadLoadFence(); // the ranges' loads before the version's re-read: none was overwritten since
        if (table.versionNow() - seen > 2L * (KeyTable.REMOVALS_KEPT - 4))
        {
            return -1;
        }
        return copyAgainFrom(slots, start, mask, offset, end);
    }

    /**
     * @param ranges  the retirements' slots ({@link KeyTable#removal}), in any order.
     * @param start   the pass's first slot.
     * @param mask    the table's slot count less one.
     * @param offset  the first slot offset of the chunk read while they came.
     * @param end     the offset after it.
     * @return the offset to copy again from ({@code end} if nothing is in doubt), or -1 if a range wraps past the
     *     pass's first slot.
     */
    static int copyAgainFrom(final long[] ranges, final int start, final int mask, final int offset, final int end)
    {
        int from = end;
        for (boolean moved = true; moved; )
        {
            moved = false;
            for (final long range : ranges)
            {
                final int first = (int)(range >>> 32) - start & mask;
                final int last = (int)range - start & mask;
                if (first > last)
                {
                    return -1; // the moves wrap past the pass's first slot
                }
                if (first < from && last >= Math.min(from, offset)) // across the point, or into the chunk read
                {
                    from = first;
                    moved = true;
                }
            }
        }
        return from;
    }

    private static int anEmptySlot(final long[] pairs, final int mask)
    {
        for (int i = 0; i <= mask; i++)
        {
            if ((long)ENTRY.getOpaque(pairs, 2 * i + 1) == KeyTable.ABSENT)
            {
                return i; // at most half the slots are live: found soon
            }
        }
        return 0;
    }

    private void add(final long key, final long entry, final int offset)
    {
        if (size == keys.length)
        {
            final int grown = keys.length * 2;
            keys = Arrays.copyOf(keys, grown);
            entries = Arrays.copyOf(entries, grown);
            offsets = Arrays.copyOf(offsets, grown);
        }
        keys[size] = key;
        entries[size] = entry;
        offsets[size++] = offset;
    }

    private void dropRepeats()
    {
        final LongHashSet seenKeys = new LongHashSet(2 * size + 1);
        int kept = 0;
        for (int i = 0; i < size; i++)
        {
            if (seenKeys.add(keys[i]))
            {
                keys[kept] = keys[i];
                entries[kept++] = entries[i];
            }
        }
        size = kept;
    }
}
