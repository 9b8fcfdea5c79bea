package io.statebus.ring;

/**
 * The layout of one ring slot: a transition packed into one {@code long}, written by the producer with one store.
 *
 * <pre>
 *   63                          25  24  23          12 11           0
 *  +------------------------------+---+--------------+--------------+
 *  |  sequence tag (low 39 bits)  | L |   from id    |    to id     |
 *  +------------------------------+---+--------------+--------------+
 *                                   L: the sequence was lost upstream (a mirror's hole), no transition
 * </pre>
 *
 * <p>Because the tag travels in the same word as the states, one load gives a reader both the transition and the
 * proof of which publication it came from: a copy whose tag is the sequence the reader asked for (and whose
 * {@code L} bit is clear, tested in the same comparison) is whole; a later tag means the producer has lapped the
 * reader there. An earlier tag, or the {@code L} bit, only occurs on a {@code Mirror}'s bus: the source's
 * transitions at those sequences never reached it ({@link #isLostAt}). 39 bits are widened back to a full
 * sequence against any sequence known to be within 2^38 of it ({@link #sequence}).
 */
public final class SlotWord
{
    /** Bits of a state id. */
    public static final int ID_BITS = 12;
    /** How many distinct states a bus may have: ids must fit {@link #ID_BITS}. */
    public static final int MAX_STATES = 1 << ID_BITS;
    /** Bits of the sequence tag. */
    public static final int TAG_BITS = 39;
    /**
     * How far apart a word's sequence and the one it is widened against may be ({@link #sequence}): 2^38. Farther,
     * the tag no longer tells (a reader that far behind the cursor is lapped for sure; a mirror keeps every word in
     * its ring well within it of the cursor, see {@link LostMarks}).
     */
    public static final long REACH = 1L << TAG_BITS - 1;

    private static final long ID_MASK = MAX_STATES - 1;
    private static final int LOST_SHIFT = 2 * ID_BITS;
    private static final int TAG_SHIFT = LOST_SHIFT + 1;

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
     * A word marking {@code sequence} as lost upstream: no transition, and the state is still {@code stateId} as
     * far as this bus knows (so a read of the current state at this slot gives it, see
     * {@link LatestTransition#stateId}).
     *
     * @param sequence the lost sequence.
     * @param stateId  the latest state known before it.
     * @return the slot word.
     */
    public static long packLost(final long sequence, final int stateId)
    {
        return sequence << TAG_SHIFT | 1L << LOST_SHIFT | (long)stateId << ID_BITS | stateId;
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
     * @return whether the word holds the transition published at {@code sequence}.
     */
    public static boolean isOf(final long word, final long sequence)
    {
        // the L bit sits in the compared bits: a lost-sequence word never passes for a transition
        return (word ^ sequence << TAG_SHIFT) >>> LOST_SHIFT == 0;
    }

    /**
     * @param word     a slot word.
     * @param sequence a full sequence.
     * @return whether the word marks {@code sequence} itself as lost upstream ({@link #packLost}).
     */
    public static boolean isLostMarkOf(final long word, final long sequence)
    {
        return (word ^ (sequence << TAG_SHIFT | 1L << LOST_SHIFT)) >>> LOST_SHIFT == 0;
    }

    /**
     * Whether a published sequence whose slot holds this word was lost upstream rather than lapped: the word is of
     * an earlier lap (the producer skipped the slot), or marks a loss (this sequence's, or a later one's that
     * skipped more than a ring, this sequence included). Meaningful only for a sequence at or below the cursor
     * read before the word.
     *
     * @param word     a slot word read at {@code sequence}'s slot.
     * @param sequence a published sequence.
     * @return whether {@code sequence} holds no transition because it was lost upstream.
     */
    public static boolean isLostAt(final long word, final long sequence)
    {
        return (word >>> LOST_SHIFT & 1) != 0 || sequence(word, sequence) < sequence;
    }

    /**
     * @param word a slot word.
     * @param near a full sequence within 2^38 of the word's.
     * @return the word's full sequence.
     */
    public static long sequence(final long word, final long near)
    {
        // sign-extend the 39-bit difference: the true distance is small either way
        final long delta = ((word >>> TAG_SHIFT) - near) << TAG_SHIFT >> TAG_SHIFT;
        return near + delta;
    }
}
