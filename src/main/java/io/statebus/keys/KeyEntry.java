package io.statebus.keys;

/**
 * A key's entry in the {@link KeyTable}: one {@code long} a reader loads whole, so it sees a key's state before or
 * after an update, never half of one; and the table's note of the one change in flight.
 *
 * <pre>
 *  entry     = latest sequence (50 bits) | live | opening | to id (12 bits);  0: no key
 *  in flight = its sequence (50 bits) | from id (12 bits)
 * </pre>
 *
 * <p>A keyed bus's transitions are claimed and published one at a time, under the right to publish, so at most one
 * entry is ahead of the cursor: the key's state until that sequence is published is its {@code from}, which the
 * table keeps beside, in one word for the whole table ({@link KeyTable#change}), not in every entry, so that the
 * entry has room for 50 bits of sequence (a keyed bus's sequences stay below {@link #SEQUENCE_LIMIT}).
 */
public final class KeyEntry
{
    /** An empty slot: no key. Every entry of a live key has its live bit set, so it is never this. */
    public static final long ABSENT = 0;
    /** The first sequence a keyed bus cannot publish: 2^50 (36 years at a million transitions a second). */
    public static final long SEQUENCE_LIMIT = 1L << 50;

    private static final int ID_BITS = 12;
    private static final long ID_MASK = (1L << ID_BITS) - 1;
    private static final long OPENING = 1L << ID_BITS;
    private static final long LIVE = OPENING << 1;
    private static final int SEQUENCE_SHIFT = ID_BITS + 2;

    private KeyEntry()
    {
    }

    /**
     * @param sequence the sequence of the key's latest transition, below {@link #SEQUENCE_LIMIT}.
     * @param stateId  its state id after it.
     * @return the entry word of a key whose latest transition, published, left it in {@code stateId}.
     */
    public static long entry(final long sequence, final int stateId)
    {
        return entry(sequence, stateId, false);
    }

    /**
     * @param sequence the sequence of the key's latest transition, below {@link #SEQUENCE_LIMIT}.
     * @param toId     its state id after it.
     * @param opening  whether that transition opened the key (it is not open until it is published).
     * @return the entry word.
     */
    public static long entry(final long sequence, final int toId, final boolean opening)
    {
        return sequence << SEQUENCE_SHIFT | LIVE | (opening ? OPENING : 0) | toId;
    }

    /**
     * @param sequence a claimed change's sequence.
     * @param fromId   the key's state id before it.
     * @return the table's note of the change in flight.
     */
    public static long inFlight(final long sequence, final int fromId)
    {
        return sequence << ID_BITS | fromId;
    }

    /**
     * @param inFlight a note of {@link #inFlight}.
     * @return its sequence.
     */
    public static long inFlightSequence(final long inFlight)
    {
        return inFlight >>> ID_BITS;
    }

    /**
     * @param inFlight a note of {@link #inFlight}.
     * @return the key's state id before that change.
     */
    public static int inFlightFromId(final long inFlight)
    {
        return (int)(inFlight & ID_MASK);
    }

    /**
     * @param entry an entry word, not {@link #ABSENT}.
     * @return the key's state id after its latest transition.
     */
    public static int stateId(final long entry)
    {
        return (int)(entry & ID_MASK);
    }

    /**
     * @param entry an entry word, not {@link #ABSENT}.
     * @return whether its latest transition opened the key.
     */
    public static boolean isOpening(final long entry)
    {
        return (entry & OPENING) != 0;
    }

    /**
     * @param entry an entry word, not {@link #ABSENT}.
     * @return the sequence of the key's latest transition.
     */
    public static long sequence(final long entry)
    {
        return entry >>> SEQUENCE_SHIFT;
    }
}
