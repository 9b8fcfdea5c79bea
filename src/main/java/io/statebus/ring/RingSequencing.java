package io.statebus.ring;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.Sequencer;
import com.lmax.disruptor.SingleProducerSequencer;
import com.lmax.disruptor.WaitStrategy;

/**
 * What a {@link TransitionRing} does with its Disruptor sequencer besides publishing: claiming slots (only the
 * holder of the right to publish), asking for free capacity, and the gates that hold the producer back (any
 * thread). A layer of the ring, not an object of its own, as the Disruptor layers its {@code RingBuffer}: the
 * fields stay in one object.
 */
abstract class RingSequencing extends RingSlots
{
    RingSequencing(
        final int capacity, final boolean stamped, final boolean valued, final boolean referenced,
        final boolean keyed, final WaitStrategy waits)
    {
        super(capacity, stamped, valued, referenced, keyed, waits);
    }

    /**
     * @return the next sequence, claimed.
     * @throws InsufficientCapacityException if a gating sequence is a whole ring behind (as last seen).
     */
    public long claim() throws InsufficientCapacityException
    {
        return sequencer.tryNext();
    }

    /**
     * Claims the next {@code slots} sequences at once (a mirror's lost sequences and the transition after them).
     *
     * @param slots how many, at most the capacity.
     * @return the highest sequence claimed.
     * @throws InsufficientCapacityException if a gating sequence is too far behind (as last seen).
     */
    public long claim(final int slots) throws InsufficientCapacityException
    {
        return sequencer.tryNext(slots);
    }

    /**
     * @param everyGate read every gating sequence now rather than trust the sequencer's cached minimum (needed
     *                  right after a gate was moved backwards, see {@code BackPressure}).
     * @return whether a slot is free.
     */
    public boolean hasCapacity(final boolean everyGate)
    {
        return everyGate ? sequencer.remainingCapacity() > 0 : sequencer.hasAvailableCapacity(1);
    }

    /**
     * @param slots how many slots, at most the capacity (the capacity: every gate has consumed everything).
     * @return whether that many are free, asking every gate.
     */
    public boolean hasCapacity(final int slots)
    {
        return sequencer.remainingCapacity() >= slots;
    }

    /**
     * @return the slots, for the owner's fast path only ({@link OwnerWrites}): a state bus's words, or a long
     *     bus's words with their longs.
     */
    public long[] slotsForOwner()
    {
        return slots;
    }

    /**
     * @return a reference value bus's references beside its words, for the owner's fast path only
     *     ({@link OwnerWrites#publishReferencesUnstamped}); null on any other ring.
     */
    public Object[] referencesForOwner()
    {
        return references;
    }

    /**
     * @return the sequencer, for the owner's fast path only ({@link OwnerWrites#publishUnstamped}).
     */
    public SingleProducerSequencer sequencerForOwner()
    {
        return sequencer;
    }

    /**
     * @param gate a sequence the producer must not lap; set to the cursor as it is added.
     */
    public void addGate(final Sequence gate)
    {
        sequencer.addGatingSequences(gate);
    }

    /**
     * @param gate a gate to stop honouring.
     */
    public void removeGate(final Sequence gate)
    {
        sequencer.removeGatingSequence(gate);
    }

    /**
     * @return a barrier for a handler thread that waits on the cursor with the ring's wait strategy.
     */
    public SequenceBarrier newBarrier()
    {
        return sequencer.newBarrier();
    }

    /**
     * @return the sequencer, for the Disruptor's own types.
     */
    public Sequencer sequencer()
    {
        return sequencer;
    }
}
