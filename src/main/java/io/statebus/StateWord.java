package io.statebus;

/**
 * The bus's state word: the latest claimed sequence and the transition's {@code from} and {@code to} state ids,
 * packed into one {@code long} so that {@code get()} and a subscription's join snapshot read all three at once.
 *
 * <pre>
 *   63                          24 23          12 11           0
 *  +------------------------------+--------------+--------------+
 *  |  sequence (low 40 bits)      |   from id    |    to id     |
 *  +------------------------------+--------------+--------------+
 * </pre>
 *
 * The producer stores the word when it claims a sequence, before the slot is written and published. A reader that
 * also reads the ring's cursor can tell whether that transition is published yet ({@code to} is current) or not
 * ({@code from} still is): that is what makes {@code get()} linearizable with polls and wait-free. 40 bits of
 * sequence are widened back to a full sequence by {@link #sequence(long, long)} against any sequence known to be
 * within 2^39 of it (a reader would have to stall between two adjacent loads for 2^39 transitions to be misled).
 */
final class StateWord
{
    static final int ID_BITS = 12;
    static final long ID_MASK = (1L << ID_BITS) - 1;
    private static final int STATE_BITS = 2 * ID_BITS;

    private StateWord()
    {
    }

    static long pack(final long sequence, final int fromId, final int toId)
    {
        return (sequence << STATE_BITS) | ((long)fromId << ID_BITS) | toId;
    }

    static int toId(final long word)
    {
        return (int)(word & ID_MASK);
    }

    static int fromId(final long word)
    {
        return (int)((word >>> ID_BITS) & ID_MASK);
    }

    /**
     * The full sequence in a word, given {@code near}, a full sequence within 2^39 of it.
     */
    static long sequence(final long word, final long near)
    {
        final long packed = word >>> STATE_BITS;
        // sign-extend the 40-bit difference: the true distance is small either way
        final long delta = ((packed - near) << STATE_BITS) >> STATE_BITS;
        return near + delta;
    }
}
