package io.statebus.keys;

/**
 * A key's entry in the {@link KeyTable}: one {@code long} a reader loads whole, so it sees a key's state before or
 * after an update, never half of one.
 *
 * <pre>
 *  entry = latest sequence (38 bits) | live | opening | from id (12 bits) | to id (12 bits);  0: no key
 * </pre>
 */
public final class KeyEntry
{
    /** An empty slot: no key. Every entry of a live key has its live bit set, so it is never this. */
    public static final long ABSENT = 0;

    private static final int ID_BITS = 12;
    private static final long ID_MASK = (1L << ID_BITS) - 1;
    private static final long OPENING = 1L << 2 * ID_BITS;
    private static final long LIVE = OPENING << 1;
    private static final int SEQUENCE_SHIFT = 2 * ID_BITS + 2;

    private KeyEntry()
    {
    }

    /**
     * @param sequence the sequence of the key's latest transition.
     * @param stateId  its state id after it.
     * @return the entry word of a key whose latest transition was {@code stateId -> stateId}.
     */
    public static long entry(final long sequence, final int stateId)
    {
        return entry(sequence, stateId, stateId, false);
    }

    /**
     * @param sequence the sequence of the key's latest transition.
     * @param fromId   its state id before it: the key's state until that sequence is published.
     * @param toId     its state id after it.
     * @param opening  whether that transition opened the key (it is not open until it is published).
     * @return the entry word.
     */
    public static long entry(final long sequence, final int fromId, final int toId, final boolean opening)
    {
        return sequence << SEQUENCE_SHIFT | LIVE | (opening ? OPENING : 0) | (long)fromId << ID_BITS | toId;
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
     * @return the key's state id before its latest transition.
     */
    public static int fromId(final long entry)
    {
        return (int)(entry >>> ID_BITS & ID_MASK);
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
