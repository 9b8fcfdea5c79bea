package io.statebus.ring;

import java.lang.invoke.VarHandle;

/**
 * A mirror's one write for a loss of more than a ring: marks every sequence up to {@code lastLost} as lost upstream
 * and publishes it, writing one slot. Every gate must be at the cursor (nothing unconsumed is overwritten); readers
 * skip the lost range ({@link SlotWord#isLostAt}), and those that read the current state at {@code lastLost} find the
 * latest one known before the loss in the mark. Once per {@link #REFRESH_EVERY} sequences the mirror also marks the
 * ring's other lost slots ({@link #refreshIfDue}). Single writer: the mirror's appending thread.
 */
public final class LostMarks
{
    /**
     * How far a mirror's cursor moves between two refreshes of its ring ({@link #refreshIfDue}), 2^36: a slot it
     * skips lap after lap keeps an older word, and the tag tells that word's sequence only within
     * {@link SlotWord#REACH}.
     */
    public static final long REFRESH_EVERY = SlotWord.REACH >> 2;

    private LostMarks()
    {
    }

    /**
     * Before a mirror's cursor moves {@link #REFRESH_EVERY} past its last refresh, marks lost each slot of the ring
     * ending at {@code upTo} that does not hold its own sequence's word: the sequences after {@code latest} (claimed,
     * never received) whatever their slot holds, and those at or before it whose slot still holds a word of an older
     * lap (lost then, and on every lap since). So no word in the ring is ever nearly {@link SlotWord#REACH} behind
     * the cursor: a jump of 2^38 would leave words whose tags read as sequences ahead, one of a multiple of 2^39
     * words whose tags read as the very sequences a reader asks for. A reader of a published slot finds it lost
     * before and after; a read of the current state that meets a mark in the cursor's slot finds that state in it
     * (a long bus's reads its value again until the cursor moves: its owner must have read it before). The
     * cursor's next publish releases these writes.
     *
     * @param ring        the mirror's ring.
     * @param refreshedAt where it was refreshed last (or started).
     * @param latest      the latest published sequence.
     * @param upTo        the sequence about to be published (a transition, or the last of a loss), after
     *                    {@code latest} and claimed up to it; its own slot is left to its writer.
     * @return where it was refreshed last now: {@code upTo} if it was due, else {@code refreshedAt}.
     */
    public static long refreshIfDue(final TransitionRing ring, final long refreshedAt, final long latest,
        final long upTo)
    {
        if (upTo - refreshedAt < REFRESH_EVERY)
        {
            return refreshedAt;
        }
        // the marks hold the current state: one may land in the cursor's slot, where a read of it finds them
        final int stateId = LatestTransition.stateId(ring);
        for (long sequence = Math.max(upTo - ring.capacity() + 1, 0); sequence < upTo; sequence++)
        {
            final int index = ring.at(sequence);
            final long word = (long)RingSlots.SLOT.get(ring.slots, index); // the single writer's own store
            if (sequence > latest || !SlotWord.isOf(word, sequence) && !SlotWord.isLostMarkOf(word, sequence))
            {
                // release, as each mark: a validating reader that copied the older word finds it gone on re-reading
                RingSlots.SLOT.setRelease(ring.slots, index, SlotWord.packLost(sequence, stateId));
            }
        }
        return upTo;
    }

    /**
     * A ring whose slots are their word (and timestamp) alone: the mark holds {@code stateId} in both ids.
     *
     * @param ring     the mirror's ring.
     * @param lastLost the last lost sequence, more than a ring past the cursor.
     * @param stateId  the state at {@code lastLost}: the source's, if the transition after it is known, else the
     *                 latest known.
     */
    public static void publishUpTo(final TransitionRing ring, final long lastLost, final int stateId)
    {
        // release: a reader that acquires the cursor below sees this word at it, never an older one
        RingSlots.SLOT.setRelease(ring.slots, ring.at(lastLost), SlotWord.packLost(lastLost, stateId));
        ring.sequencer.claim(lastLost);
        ring.sequencer.publish(lastLost);
    }

    /**
     * A ring with longs beside the word: the mark's longs are both {@code value}, so a read of a value bus's current
     * value at {@code lastLost} gives the value the mark holds (see {@link LatestTransition#value}).
     *
     * @param ring     the mirror's ring.
     * @param lastLost the last lost sequence, more than a ring past the cursor.
     * @param stateId  the latest state id known before the loss (0 on a value or keyed bus).
     * @param value    the value at {@code lastLost} (as {@code stateId}; a value bus; 0 on a keyed bus).
     */
    public static void publishUpTo(final TransitionRing ring, final long lastLost, final int stateId, final long value)
    {
        final int index = ring.at(lastLost);
        // release, then the longs after a store-store fence, as publishWithLongs writes a transition (see there)
        RingSlots.SLOT.setRelease(ring.slots, index, SlotWord.packLost(lastLost, stateId));
        VarHandle.storeStoreFence();
        SlotValues.write(ring.values, index, value, value);
        ring.sequencer.claim(lastLost);
        ring.sequencer.publish(lastLost); // release store of the cursor: the word and longs above are visible with it
    }
}
