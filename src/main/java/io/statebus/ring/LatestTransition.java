package io.statebus.ring;

/**
 * The latest published transition, read by any thread without a lock: the cursor (acquire), then the slot at it.
 * A state bus's slot is its word alone, so one read is enough (wait-free); a value bus's slot has longs beside the
 * word, so its copy is validated by re-reading the word and read again if the producer lapped the slot meanwhile
 * (lock-free: a retry means the producer made progress).
 */
public final class LatestTransition
{
    private LatestTransition()
    {
    }

    /**
     * The current state, wait-free and linearizable: the cursor, then the slot at it. If the slot still holds the
     * cursor's transition, its {@code to} was current when the cursor was read. If a later lap has overwritten it
     * (the reader stalled), that later transition's claim came after the cursor read and its word was written
     * (release) after its predecessor was published, so its {@code from} was current when the word was written.
     *
     * @param ring the ring.
     * @return the current state's id.
     */
    public static int stateId(final TransitionRing ring)
    {
        final long cursor = ring.cursor();
        final long word = ring.wordAcquire(cursor);
        // a lost sequence's word holds the latest known state in both ids
        return SlotWord.isOf(word, cursor) ? SlotWord.toId(word) : SlotWord.fromId(word);
    }

    /**
     * The latest published transition at one instant, as {@link #stateId} reads it: a word whose tag is
     * the sequence and whose {@code to} is the state (its {@code from} is only meaningful when the slot was not
     * lapped meanwhile, which {@link SlotWord#isOf} on the slot tells). A mirror's cursor resting on a lost sequence
     * gives that sequence, with the state its mark holds (the source's there, or the latest known).
     *
     * @param ring the ring.
     * @return a slot word standing for the snapshot {@code (sequence, state)}.
     */
    public static long snapshot(final TransitionRing ring)
    {
        final long cursor = ring.cursor();
        final long word = ring.wordAcquire(cursor);
        if (SlotWord.isOf(word, cursor))
        {
            return word;
        }
        if (SlotWord.isLostAt(word, cursor))
        {
            // a mirror's lost mark, of the cursor or of a loss being recorded over it: it holds the state at the cursor
            return SlotWord.pack(cursor, 0, SlotWord.fromId(word));
        }
        // a later lap's claim: its predecessor is published and its from is the state after it
        final long claimed = SlotWord.sequence(word, cursor);
        return SlotWord.pack(claimed - 1, 0, SlotWord.fromId(word));
    }

    /**
     * A value bus's current value, lock-free and linearizable: the cursor, then the slot at it, validated. A copy
     * whose word is still the cursor's after its {@code to} was read is that transition's {@code to}, which was
     * current when the cursor was read; otherwise the producer lapped the slot meanwhile (it made progress) and
     * the read starts again.
     *
     * @param ring the ring.
     * @return the current value.
     */
    public static long value(final TransitionRing ring)
    {
        while (true)
        {
            final long cursor = ring.cursor(); // acquire: the slot at it was written before it was published
            final long word = ring.wordAcquire(cursor); // acquire: the longs' loads stay after
            final long value = ring.toValueAt(cursor);
            // enough: the cursor's to was current when the cursor was read, and the unchanged word proves the copy;
            // a mirror's cursor may rest on a lost mark, whose longs hold the value there (see LostMarks)
            if ((SlotWord.isOf(word, cursor) || SlotWord.isLostMarkOf(word, cursor)) && ring.isStill(cursor, word))
            {
                return value;
            }
        }
    }

    /**
     * The latest published transition of a value bus at one instant, as {@link #value} reads it.
     *
     * @param ring the ring.
     * @param into receives {@code [sequence, from, to]}.
     */
    public static void valueSnapshot(final TransitionRing ring, final long[] into)
    {
        while (true)
        {
            final long cursor = ring.cursor(); // acquire, as in value
            final long word = ring.wordAcquire(cursor);
            final long from = ring.fromValueAt(cursor);
            final long to = ring.toValueAt(cursor);
            if ((SlotWord.isOf(word, cursor) || SlotWord.isLostMarkOf(word, cursor)) && ring.isStill(cursor, word))
            {
                into[0] = cursor;
                into[1] = from;
                into[2] = to;
                return;
            }
        }
    }

    /**
     * A reference value bus's current value, lock-free and linearizable, as {@link #value} reads a long.
     *
     * @param ring the ring.
     * @return the current value.
     */
    public static Object reference(final TransitionRing ring)
    {
        while (true)
        {
            final long cursor = ring.cursor(); // acquire, as in value
            final long word = ring.wordAcquire(cursor);
            final Object value = ring.toReferenceAt(cursor);
            if (SlotWord.isOf(word, cursor) && ring.isStill(cursor, word))
            {
                return value;
            }
        }
    }

    /**
     * The latest published transition of a reference value bus at one instant, as {@link #reference} reads it.
     *
     * @param ring the ring.
     * @param into receives {@code [from, to]}.
     * @return its sequence.
     */
    public static long referenceSnapshot(final TransitionRing ring, final Object[] into)
    {
        while (true)
        {
            final long cursor = ring.cursor(); // acquire, as in value
            final long word = ring.wordAcquire(cursor);
            final Object from = ring.fromReferenceAt(cursor);
            final Object to = ring.toReferenceAt(cursor);
            if (SlotWord.isOf(word, cursor) && ring.isStill(cursor, word))
            {
                into[0] = from;
                into[1] = to;
                return cursor;
            }
        }
    }
}
