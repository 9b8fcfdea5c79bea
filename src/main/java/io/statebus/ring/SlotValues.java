package io.statebus.ring;

/**
 * The layout of a value bus's longs: two per slot, beside the slot's word, written after it.
 *
 * <pre>
 *  values:  [ from#0 | to#0 | from#1 | to#1 | ... ]   slot i's pair at 2i, 2i + 1
 *
 *  producer:  word = tag(s)  (release)  |  store-store fence  |  from, to  |  cursor = s (release)
 *  reader:    w = word  |  from, to  |  load-load fence  |  word == w ?  whole : lapped, drop the copy
 * </pre>
 *
 * <p>A later lap writes its word before either long, so a copy holding any long of a later lap finds the word
 * changed when it re-reads it: a lapped reader never keeps longs mixed from two publications. Plain loads and
 * stores suffice for the longs: every store to them by a later lap follows that lap's word, so the re-read rejects
 * any copy such a store touched, even a torn one (JLS 17.7).
 */
final class SlotValues
{
    /** Longs per slot. */
    static final int WIDTH = 2;

    private SlotValues()
    {
    }

    static void write(final long[] values, final int index, final long from, final long to)
    {
        values[WIDTH * index] = from;
        values[WIDTH * index + 1] = to;
    }

    static long from(final long[] values, final int index)
    {
        return values[WIDTH * index];
    }

    static long to(final long[] values, final int index)
    {
        return values[WIDTH * index + 1];
    }
}
