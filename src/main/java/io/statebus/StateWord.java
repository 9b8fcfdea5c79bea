package io.statebus;

/**
 * The bus's state word: the latest claimed sequence and the state id it moved to, packed into one {@code long} so
 * that {@code get()} and a subscription's join snapshot read both atomically.
 *
 * <pre>
 *   63                                    16 15            0
 *  +----------------------------------------+---------------+
 *  |  sequence (low 48 bits)                |   state id    |
 *  +----------------------------------------+---------------+
 * </pre>
 *
 * 48 bits of sequence last 21 days at 150 M transitions/s; {@link #sequence(long, long)} widens them back to a full
 * sequence against any sequence known to be near, so wrap-around is harmless.
 */
final class StateWord
{
    static final int ID_BITS = 16;
    static final long ID_MASK = (1L << ID_BITS) - 1;
    private static final int SEQUENCE_BITS = 64 - ID_BITS;

    private StateWord()
    {
    }

    static long pack(final long sequence, final int stateId)
    {
        return (sequence << ID_BITS) | stateId;
    }

    static int stateId(final long word)
    {
        return (int)(word & ID_MASK);
    }

    /**
     * The full sequence in a word, given {@code near}, a full sequence within 2^46 of it.
     */
    static long sequence(final long word, final long near)
    {
        final long packed = word >>> ID_BITS;
        // sign-extend the 48-bit difference: the true distance is small either way
        final long delta = ((packed - near) << ID_BITS) >> ID_BITS;
        return near + delta;
    }
}
