package io.statebus.ring;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.SingleProducerSequencer;
import com.lmax.disruptor.WaitStrategy;

import java.lang.invoke.VarHandle;

/**
 * The bus's one preallocated ring: a {@code long} per slot ({@link SlotWord}), an optional parallel array of
 * timestamps, and the Disruptor's {@link SingleProducerSequencer} for claiming, publishing and gating. Producers
 * of a multi-producer bus are serialised before they reach it, so its cursor is always the highest published
 * sequence and the slot at the cursor always holds the current state.
 *
 * <pre>
 *  slots:  [ #8 A-&gt;B | #9 B-&gt;C | #10 C-&gt;A | #3 ... ]   capacity 4: slot = sequence &amp; 3
 *                                     ^ cursor 10: the current state is C-&gt;A's "to"
 * </pre>
 *
 * <p>Single writer: the producer holding the right to publish. Readers acquire the cursor, then load a slot; the
 * slot's tag says whether the copy belongs to the sequence they asked for. Sequence 0 holds the initial state.
 *
 * <p>Three layers of one object, in the order a transition meets them: this class builds the ring and writes
 * slots (the single writer); {@link RingSequencing} claims slots and keeps the gates; {@link RingSlots} holds the
 * arrays and every read any thread makes.
 */
public final class TransitionRing extends RingSequencing
{
    private static final VarHandle SLOT = RingSlots.SLOT;

    /**
     * Allocates every slot and publishes sequence 0, the initial state.
     *
     * @param capacity  slots, a power of two.
     * @param initialId the initial state's id.
     * @param stamped   whether transitions carry timestamps.
     * @param waits     how handler threads wait for the cursor.
     */
    public TransitionRing(final int capacity, final int initialId, final boolean stamped, final WaitStrategy waits)
    {
        this(capacity, 0, initialId, initialId, 0, stamped, waits, false, 0, 0, false, null, false);
    }

    /**
     * A ring whose transitions carry {@code long} values beside the word (a value bus): every slot's word holds
     * the tag only, and sequence 0 publishes {@code initial -> initial}.
     *
     * @param capacity slots, a power of two.
     * @param initial  the initial value.
     * @param stamped  whether transitions carry timestamps.
     * @param waits    how handler threads wait for the cursor.
     * @return the ring, sequence 0 published.
     */
    public static TransitionRing forValues(
        final int capacity, final long initial, final boolean stamped, final WaitStrategy waits)
    {
        return new TransitionRing(capacity, 0, 0, 0, 0, stamped, waits, true, initial, initial, false, null, false);
    }

    /**
     * A ring whose transitions carry references beside the word (a reference value bus): every slot's word holds
     * the tag only, and sequence 0 publishes {@code initial -> initial}.
     *
     * @param capacity slots, a power of two.
     * @param initial  the initial value, null if the bus allows it.
     * @param stamped  whether transitions carry timestamps.
     * @param waits    how handler threads wait for the cursor.
     * @return the ring, sequence 0 published.
     */
    public static TransitionRing forReferences(
        final int capacity, final Object initial, final boolean stamped, final WaitStrategy waits)
    {
        return new TransitionRing(capacity, 0, 0, 0, 0, stamped, waits, false, 0, 0, false, initial, true);
    }

    /**
     * A ring whose transitions carry the key of their entity beside the word (a keyed bus): the word holds the tag
     * and the state ids as on any bus, the slot's first long the key. Sequence 0 publishes
     * {@code initial -> initial} for no key (key 0); no subscription ever receives it.
     *
     * @param capacity  slots, a power of two.
     * @param initialId a state id for sequence 0.
     * @param stamped   whether transitions carry timestamps.
     * @param waits     how handler threads wait for the cursor.
     * @return the ring, sequence 0 published.
     */
    public static TransitionRing forKeys(
        final int capacity, final int initialId, final boolean stamped, final WaitStrategy waits)
    {
        return new TransitionRing(capacity, 0, initialId, initialId, 0, stamped, waits, true, 0, 0, true, null, false);
    }

    /**
     * A value bus's ring for a mirror: sequence {@code start} publishes {@code from -> to}, the source's transition
     * there, stamped with its timestamp.
     *
     * @param capacity  slots, a power of two.
     * @param start     the source's sequence, at least 0.
     * @param from      the value before it.
     * @param to        the value after it: the current value.
     * @param timestamp its timestamp.
     * @param waits     how handler threads wait for the cursor.
     * @return the ring, {@code start} published.
     */
    public static TransitionRing forValuesFrom(
        final int capacity, final long start, final long from, final long to, final long timestamp,
        final WaitStrategy waits)
    {
        return new TransitionRing(capacity, start, 0, 0, timestamp, true, waits, true, from, to, false, null, false);
    }

    /**
     * A keyed bus's ring for a mirror: sequence {@code start} is published for no key (key 0), as sequence 0 of a
     * keyed bus; no subscription ever receives it.
     *
     * @param capacity  slots, a power of two.
     * @param start     the source's sequence, at least 0.
     * @param timestamp its timestamp.
     * @param waits     how handler threads wait for the cursor.
     * @return the ring, {@code start} published.
     */
    public static TransitionRing forKeysFrom(
        final int capacity, final long start, final long timestamp, final WaitStrategy waits)
    {
        return new TransitionRing(capacity, start, 0, 0, timestamp, true, waits, true, 0, 0, true, null, false);
    }

    /**
     * Allocates every slot and publishes {@code start} as the first transition: 0 for a bus of its own, the
     * source's latest sequence for a mirror.
     *
     * @param capacity  slots, a power of two.
     * @param start     the first sequence, at least 0.
     * @param fromId    the state id before it (the initial state's at 0).
     * @param toId      the state id after it: the current state.
     * @param timestamp its timestamp (ignored without timestamps).
     * @param stamped   whether transitions carry timestamps.
     * @param waits     how handler threads wait for the cursor.
     */
    public TransitionRing(
        final int capacity,
        final long start,
        final int fromId,
        final int toId,
        final long timestamp,
        final boolean stamped,
        final WaitStrategy waits)
    {
        this(capacity, start, fromId, toId, timestamp, stamped, waits, false, 0, 0, false, null, false);
    }

    private TransitionRing(
        final int capacity,
        final long start,
        final int fromId,
        final int toId,
        final long timestamp,
        final boolean stamped,
        final WaitStrategy waits,
        final boolean valued,
        final long fromValue,
        final long toValue,
        final boolean keyed,
        final Object initialReference,
        final boolean referenced)
    {
        super(capacity, stamped, valued, referenced, keyed, waits);
        for (int i = 0; i < capacity; i++)
        {
            // a tag no reader asks for: two laps before the start, so not even a replay of the ring before it
            slots[i << shift] = SlotWord.pack(start - 2L * capacity + (i - start & capacity - 1), 0, 0);
        }
        if (start > 0)
        {
            sequencer.claim(start - 1);
        }
        try
        {
            // tryNext(), never next(): the latter registers the thread in a static map when assertions are on
            final long first = sequencer.tryNext();
            if (keyed)
            {
                publishWithLongs(first, fromId, toId, 0, 0, timestamp);
            }
            else if (valued)
            {
                publishWithLongs(first, 0, 0, fromValue, toValue, timestamp);
            }
            else if (referenced)
            {
                publishWithReferences(first, initialReference, initialReference, timestamp);
            }
            else
            {
                publish(first, fromId, toId, timestamp);
            }
        }
        catch (final InsufficientCapacityException ex)
        {
            throw new IllegalStateException("an empty ring has capacity", ex);
        }
    }

    // ---- producer side: only the holder of the right to publish calls these ----

    /**
     * Writes a claimed slot and publishes it.
     *
     * @param sequence  the claimed sequence.
     * @param fromId    the state id before.
     * @param toId      the state id after.
     * @param timestamp the clock's reading (ignored without timestamps).
     */
    public void publish(final long sequence, final int fromId, final int toId, final long timestamp)
    {
        final int index = at(sequence);
        // release: a reader that sees this word also sees the cursor at sequence - 1 (see LatestTransition#stateId)
        SLOT.setRelease(slots, index, SlotWord.pack(sequence, fromId, toId));
        final long[] times = this.times;
        if (times != null)
        {
            // the word moves to this lap before the timestamp changes, so a reader that copied the new timestamp
            // finds the old word gone when it re-reads the slot (see isStill)
            VarHandle.storeStoreFence();
            times[index >> shift] = timestamp;
        }
        // release store of the cursor: a reader that acquires it sees the slot written above
        sequencer.publish(sequence);
    }

    /**
     * Writes a claimed slot that carries two longs beside its word and publishes it: the word, then the longs and
     * the timestamp. A value bus's slot: no ids, the longs are {@code (from, to)}; a keyed bus's: the ids, and the
     * key in the first long.
     *
     * @param sequence  the claimed sequence.
     * @param fromId    the state id before (0 on a value bus).
     * @param toId      the state id after (0 on a value bus).
     * @param first     the first long: a value bus's {@code from}, a keyed bus's key.
     * @param second    the second long: a value bus's {@code to}, unused on a keyed bus.
     * @param timestamp the clock's reading (ignored without timestamps).
     */
    public void publishWithLongs(
        final long sequence, final int fromId, final int toId, final long first, final long second,
        final long timestamp)
    {
        final int index = at(sequence);
        // release: a reader that sees this word also sees the cursor at sequence - 1, and the previous lap's reads
        // of this slot's longs (the producer's own get) come before it
        SLOT.setRelease(slots, index, SlotWord.pack(sequence, fromId, toId));
        // the word moves to this lap before any long changes: a reader that copied a new long finds the old word
        // gone when it re-reads the slot (see isStill), so it never keeps longs and ids of two publications
        VarHandle.storeStoreFence();
        SlotValues.write(values, index, first, second);
        final long[] times = this.times;
        if (times != null)
        {
            times[index >> shift] = timestamp; // after the same fence as the longs
        }
        // release store of the cursor: a reader that acquires it sees the word and longs written above
        sequencer.publish(sequence);
    }

    /**
     * Writes a claimed slot of a reference value bus and publishes it: the word (tag only), then the references
     * and the timestamp, as {@link #publishWithLongs} writes longs.
     *
     * @param sequence  the claimed sequence.
     * @param from      the value before.
     * @param to        the value after.
     * @param timestamp the clock's reading (ignored without timestamps).
     */
    public void publishWithReferences(final long sequence, final Object from, final Object to, final long timestamp)
    {
        final int index = at(sequence);
        // release, as in publishWithLongs: the previous lap's reads of this slot come before it
        SLOT.setRelease(slots, index, SlotWord.pack(sequence, 0, 0));
        // the word moves to this lap before either reference changes: a copy holding a new one fails isStill
        VarHandle.storeStoreFence();
        SlotReferences.write(references, index, from, to);
        final long[] times = this.times;
        if (times != null)
        {
            times[index >> shift] = timestamp; // after the same fence as the references
        }
        // release store of the cursor: a reader that acquires it sees the word and references written above
        sequencer.publish(sequence);
    }

}
