package io.statebus.ring;

import java.lang.invoke.VarHandle;

/**
 * A mirror's one write for a loss of more than a ring: marks every sequence up to {@code lastLost} as lost upstream
 * and publishes it, writing one slot. Every gate must be at the cursor (nothing unconsumed is overwritten); readers
 * skip the lost range ({@link SlotWord#isLostAt}), and those that read the current state at {@code lastLost} find the
 * latest one known before the loss in the mark. Single writer: the mirror's appending thread.
 */
public final class LostMarks
{
    private LostMarks()
    {
    }

    /**
     * A ring whose slots are their word (and timestamp) alone: the mark holds {@code stateId} in both ids.
     *
     * @param ring     the mirror's ring.
     * @param lastLost the last lost sequence, more than a ring past the cursor.
     * @param stateId  the latest state known before the loss.
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
     * value at {@code lastLost} gives the latest value known before the loss (see {@link LatestTransition#value}).
     *
     * @param ring     the mirror's ring.
     * @param lastLost the last lost sequence, more than a ring past the cursor.
     * @param stateId  the latest state id known before the loss (0 on a value or keyed bus).
     * @param value    the latest value known before the loss (a value bus; 0 on a keyed bus).
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
