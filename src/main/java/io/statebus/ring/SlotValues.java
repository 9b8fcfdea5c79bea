package io.statebus.ring;

/**
 * The layout of a long bus's (or keyed bus's) longs: two per slot, right after the slot's word in the ring's one
 * array, written after it; a fourth long pads the slot to 32 bytes, so a slot's position is a shift.
 *
 * <pre>
 *  slots:   [ word#0 | from#0 | to#0 | - | word#1 | from#1 | to#1 | - | ... ]   slot i's word at 4i, pair at 4i + 1
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
    /** log2 of the longs a slot takes in the array: its word, its two longs, one unused. */
    static final int SHIFT = 2;

    private SlotValues()
    {
    }

    /** Writes the longs of the slot whose word sits at {@code word}. */
    static void write(final long[] values, final int word, final long from, final long to)
    {
        values[word + 1] = from;
        values[word + 2] = to;
    }

    /** @return the first long of the slot whose word sits at {@code word}. */
    static long from(final long[] values, final int word)
    {
        return values[word + 1];
    }

    /** @return the second long of the slot whose word sits at {@code word}. */
    static long to(final long[] values, final int word)
    {
        return values[word + 2];
    }
}
