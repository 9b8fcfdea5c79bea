package io.statebus.ring;

/**
 * The layout of one ring slot: a transition packed into one {@code long}, written by the producer with one store.
 *
 * <pre>
 *   63                            24 23          12 11           0
 *  +--------------------------------+--------------+--------------+
 *  |  sequence tag (low 40 bits)    |   from id    |    to id     |
 *  +--------------------------------+--------------+--------------+
 * </pre>
 *
 * <p>Because the tag travels in the same word as the states, one load gives a reader both the transition and the
 * proof of which publication it came from: a copy whose tag is the sequence the reader asked for is whole; any
 * other tag means the producer has lapped the reader there. No separate "claim intent" word and no fence are
 * needed on the publish path. 40 bits are widened back to a full sequence against any sequence known to be
 * within 2^39 of it ({@link #sequence}).
 */
public final class SlotWord
{
    /** Bits of a state id. */
    public static final int ID_BITS = 12;
    /** How many distinct states a bus may have: ids must fit {@link #ID_BITS}. */
    public static final int MAX_STATES = 1 << ID_BITS;

    private static final long ID_MASK = MAX_STATES - 1;
    private static final int TAG_SHIFT = 2 * ID_BITS;

    private SlotWord()
    {
    }

    /**
     * @param sequence the transition's sequence.
     * @param fromId   the state id before.
     * @param toId     the state id after.
     * @return the slot word.
     */
    public static long pack(final long sequence, final int fromId, final int toId)
    {
        return sequence << TAG_SHIFT | (long)fromId << ID_BITS | toId;
    }

    /**
     * @param word a slot word.
     * @return its {@code from} state id.
     */
    public static int fromId(final long word)
    {
        return (int)(word >>> ID_BITS & ID_MASK);
    }

    /**
     * @param word a slot word.
     * @return its {@code to} state id.
     */
    public static int toId(final long word)
    {
        return (int)(word & ID_MASK);
    }

    /**
     * @param word     a slot word.
     * @param sequence a full sequence.
     * @return whether the word was written for {@code sequence} (its tag is the sequence's low 40 bits).
     */
    public static boolean isOf(final long word, final long sequence)
    {
        return (word ^ sequence << TAG_SHIFT) >>> TAG_SHIFT == 0;
    }

    /**
     * @param word a slot word.
     * @param near a full sequence within 2^39 of the word's.
     * @return the word's full sequence.
     */
    public static long sequence(final long word, final long near)
    {
        // sign-extend the 40-bit difference: the true distance is small either way
        final long delta = ((word >>> TAG_SHIFT) - near) << TAG_SHIFT >> TAG_SHIFT;
        return near + delta;
    }
}
