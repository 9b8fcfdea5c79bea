package io.statebus.ring;

import com.lmax.disruptor.SingleProducerSequencer;

import java.lang.invoke.VarHandle;

/**
 * The writes of a single-producer bus's owner on its fast path (no clock): what {@link TransitionRing}'s own writes
 * do, on the arrays and sequencer the owner holds in its own fields. A hot loop reloads every field after each
 * publish's release store, so each hop through the ring is a dependent load per call; these take none.
 */
public final class OwnerWrites
{
    private OwnerWrites()
    {
    }

    /**
     * {@link TransitionRing#publish} for a state bus's owner, on {@link TransitionRing#slotsForOwner()} and
     * {@link TransitionRing#sequencerForOwner()}.
     *
     * @param sequencer this ring's sequencer.
     * @param slots     this ring's slots.
     * @param sequence  the claimed sequence.
     * @param fromId    the state id before.
     * @param toId      the state id after.
     */
    public static void publishUnstamped(
        final SingleProducerSequencer sequencer, final long[] slots, final long sequence, final int fromId,
        final int toId)
    {
        // release: a reader that sees this word also sees the cursor at sequence - 1 (see LatestTransition#stateId);
        // a state bus's slot is its word alone, so the word's place is the sequence masked (RingSlots#at, shift 0)
        RingSlots.SLOT.setRelease(slots, (int)sequence & slots.length - 1, SlotWord.pack(sequence, fromId, toId));
        // release store of the cursor: a reader that acquires it sees the slot written above
        sequencer.publish(sequence);
    }

    /**
     * {@link TransitionRing#publishWithLongs} for a long bus's owner, on the slots it holds.
     *
     * @param sequencer this ring's sequencer.
     * @param slots     this ring's slots: words and longs ({@link SlotValues}).
     * @param sequence  the claimed sequence.
     * @param from      the value before.
     * @param to        the value after.
     */
    public static void publishValuesUnstamped(
        final SingleProducerSequencer sequencer, final long[] slots, final long sequence, final long from,
        final long to)
    {
        final int index = (int)sequence << SlotValues.SHIFT & slots.length - 1; // the word's place: RingSlots#at
        // release, then the longs after a store-store fence, exactly as publishWithLongs (see there)
        RingSlots.SLOT.setRelease(slots, index, SlotWord.pack(sequence, 0, 0));
        VarHandle.storeStoreFence();
        SlotValues.write(slots, index, from, to);
        // release store of the cursor: a reader that acquires it sees the word and longs written above
        sequencer.publish(sequence);
    }

    /**
     * {@link TransitionRing#publishWithReferences} for a reference value bus's owner, on the arrays it holds.
     *
     * @param sequencer  this ring's sequencer.
     * @param slots      this ring's words (a reference bus's slot is its word alone: index is the slot).
     * @param references this ring's references ({@link TransitionRing#referencesForOwner()}).
     * @param sequence   the claimed sequence.
     * @param from       the value before.
     * @param to         the value after.
     */
    public static void publishReferencesUnstamped(
        final SingleProducerSequencer sequencer, final long[] slots, final Object[] references, final long sequence,
        final Object from, final Object to)
    {
        final int index = (int)sequence & slots.length - 1; // the word's place: RingSlots#at, shift 0
        // release, then the references after a store-store fence, exactly as publishWithReferences (see there)
        RingSlots.SLOT.setRelease(slots, index, SlotWord.pack(sequence, 0, 0));
        VarHandle.storeStoreFence();
        SlotReferences.write(references, index, from, to);
        // release store of the cursor: a reader that acquires it sees the word and references written above
        sequencer.publish(sequence);
    }
}
