package io.statebus.ring;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.Sequencer;
import com.lmax.disruptor.SingleProducerSequencer;
import com.lmax.disruptor.WaitStrategy;

import java.lang.invoke.MethodHandles;
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
 */
public final class TransitionRing
{
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots;
    /** Timestamps by slot, or null when the bus has no clock. */
    private final long[] times;
    /** A value bus's {@code (from, to)} longs, two per slot ({@link SlotValues}), or null for states by id. */
    private final long[] values;
    /** A reference bus's {@code (from, to)} references, two per slot ({@link SlotReferences}), or null. */
    private final Object[] references;
    /** Whether the longs beside the word are keys (a keyed bus) rather than the states (a value bus). */
    private final boolean keyed;
    /** Whether a slot has more than its word, so a racing copy must re-read the word ({@link #isStill}). */
    private final boolean multiWord;
    private final int mask;
    private final SingleProducerSequencer sequencer;

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
        this(capacity, 0, initialId, initialId, 0, stamped, waits, false, 0, false, null, false);
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
        return new TransitionRing(capacity, 0, 0, 0, 0, stamped, waits, true, initial, false, null, false);
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
        return new TransitionRing(capacity, 0, 0, 0, 0, stamped, waits, false, 0, false, initial, true);
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
        return new TransitionRing(capacity, 0, initialId, initialId, 0, stamped, waits, true, 0, true, null, false);
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
        this(capacity, start, fromId, toId, timestamp, stamped, waits, false, 0, false, null, false);
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
        final long initialValue,
        final boolean keyed,
        final Object initialReference,
        final boolean referenced)
    {
        this.keyed = keyed;
        this.references = referenced ? new Object[SlotReferences.WIDTH * capacity] : null;
        this.slots = new long[capacity];
        this.times = stamped ? new long[capacity] : null;
        this.values = valued ? new long[SlotValues.WIDTH * capacity] : null;
        this.multiWord = stamped || valued || referenced;
        this.mask = capacity - 1;
        this.sequencer = new SingleProducerSequencer(capacity, waits);
        for (int i = 0; i < capacity; i++)
        {
            // a tag no reader asks for: two laps before the start, so not even a replay of the ring before it
            slots[i] = SlotWord.pack(start - 2L * capacity + (i - start & mask), 0, 0);
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
                publishWithLongs(first, 0, 0, initialValue, initialValue, timestamp);
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

    /**
     * @return the number of slots.
     */
    public int capacity()
    {
        return slots.length;
    }

    /**
     * @return whether transitions carry timestamps.
     */
    public boolean isStamped()
    {
        return times != null;
    }

    /**
     * @return whether the longs beside the word are the states themselves (a value bus), not keys.
     */
    public boolean valuesAreStates()
    {
        return values != null && !keyed;
    }

    /**
     * @return whether transitions carry the key of their entity (a keyed bus): the first long beside the word.
     */
    public boolean isKeyed()
    {
        return keyed;
    }

    /**
     * @return whether transitions carry {@code long} values beside the word (a value bus or a keyed bus).
     */
    public boolean hasValues()
    {
        return values != null;
    }

    /**
     * @return whether transitions carry references beside the word (a reference value bus).
     */
    public boolean hasReferences()
    {
        return references != null;
    }

    // ---- producer side: only the holder of the right to publish calls these ----

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
     * Marks every sequence up to {@code lastLost} as lost upstream and publishes it, writing one slot: a mirror
     * that missed more than a ring of its source. Every gate must be at the cursor (nothing unconsumed is
     * overwritten); readers skip the lost range, and those that read the current state at {@code lastLost} get
     * {@code stateId}.
     *
     * @param lastLost the last lost sequence, more than a ring past the cursor.
     * @param stateId  the latest state known before the loss.
     */
    public void publishLostUpTo(final long lastLost, final int stateId)
    {
        // release: a reader that acquires the cursor below sees this word at it, never an older one
        SLOT.setRelease(slots, (int)lastLost & mask, SlotWord.packLost(lastLost, stateId));
        sequencer.claim(lastLost);
        sequencer.publish(lastLost);
    }

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
        final int index = (int)sequence & mask;
        // release: a reader that sees this word also sees the cursor at sequence - 1 (see LatestTransition#stateId)
        SLOT.setRelease(slots, index, SlotWord.pack(sequence, fromId, toId));
        final long[] times = this.times;
        if (times != null)
        {
            // the word moves to this lap before the timestamp changes, so a reader that copied the new timestamp
            // finds the old word gone when it re-reads the slot (see isStill)
            VarHandle.storeStoreFence();
            times[index] = timestamp;
        }
        // release store of the cursor: a reader that acquires it sees the slot written above
        sequencer.publish(sequence);
    }

    /**
     * The fast path of a ring's one owner (a single-producer bus without a clock): {@link #publish} without the
     * hops through this object. A hot loop reloads every field after each publish's release store, so each hop is
     * a dependent load per call; the owner keeps {@link #slotsForOwner()} and {@link #sequencerForOwner()} itself.
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
        // release: a reader that sees this word also sees the cursor at sequence - 1 (see currentStateId)
        SLOT.setRelease(slots, (int)sequence & slots.length - 1, SlotWord.pack(sequence, fromId, toId));
        // release store of the cursor: a reader that acquires it sees the slot written above
        sequencer.publish(sequence);
    }

    /**
     * @return the slots, for the owner's fast path only ({@link #publishUnstamped}).
     */
    public long[] slotsForOwner()
    {
        return slots;
    }

    /**
     * @return the sequencer, for the owner's fast path only ({@link #publishUnstamped}).
     */
    public SingleProducerSequencer sequencerForOwner()
    {
        return sequencer;
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
        final int index = (int)sequence & mask;
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
            times[index] = timestamp; // after the same fence as the longs
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
        final int index = (int)sequence & mask;
        // release, as in publishWithLongs: the previous lap's reads of this slot come before it
        SLOT.setRelease(slots, index, SlotWord.pack(sequence, 0, 0));
        // the word moves to this lap before either reference changes: a copy holding a new one fails isStill
        VarHandle.storeStoreFence();
        SlotReferences.write(references, index, from, to);
        final long[] times = this.times;
        if (times != null)
        {
            times[index] = timestamp; // after the same fence as the references
        }
        // release store of the cursor: a reader that acquires it sees the word and references written above
        sequencer.publish(sequence);
    }

    // ---- reader side: any thread ----

    /**
     * @return the highest published sequence (acquire).
     */
    public long cursor()
    {
        return sequencer.getCursor();
    }

    /**
     * A slot's word, with a plain load: for gated readers, whose slots the producer cannot overwrite.
     *
     * @param sequence a published sequence.
     * @return the slot's word.
     */
    public long wordAt(final long sequence)
    {
        return slots[(int)sequence & mask];
    }

    /**
     * A slot's word, read whole even while the producer writes it: for readers that validate the tag.
     *
     * @param sequence a published sequence.
     * @return the slot's word, of {@code sequence} or of a later lap.
     */
    public long wordRacing(final long sequence)
    {
        return (long)SLOT.getOpaque(slots, (int)sequence & mask);
    }

    /**
     * @param sequence a published sequence.
     * @return whether it was lost upstream (a mirror's), rather than holding a transition or lapped.
     */
    public boolean isLost(final long sequence)
    {
        return SlotWord.isLostAt((long)SLOT.getAcquire(slots, (int)sequence & mask), sequence);
    }

    /**
     * @param sequence a published sequence.
     * @return its timestamp, 0 without timestamps; valid only if {@link #isStill} confirms the slot's word after.
     */
    public long timestampAt(final long sequence)
    {
        final long[] times = this.times;
        return times == null ? 0 : times[(int)sequence & mask];
    }

    /**
     * @param sequence a published sequence.
     * @return its {@code from} value (a value bus); valid only if {@link #isStill} confirms the slot's word after.
     */
    public long fromValueAt(final long sequence)
    {
        return SlotValues.from(values, (int)sequence & mask);
    }

    /**
     * @param sequence a published sequence.
     * @return its {@code to} value (a value bus); valid only if {@link #isStill} confirms the slot's word after.
     */
    public long toValueAt(final long sequence)
    {
        return SlotValues.to(values, (int)sequence & mask);
    }

    /**
     * @param sequence a published sequence.
     * @return its {@code from} reference (a reference bus); valid only if {@link #isStill} confirms the word after.
     */
    public Object fromReferenceAt(final long sequence)
    {
        return SlotReferences.from(references, (int)sequence & mask);
    }

    /**
     * @param sequence a published sequence.
     * @return its {@code to} reference (a reference bus); valid only if {@link #isStill} confirms the word after.
     */
    public Object toReferenceAt(final long sequence)
    {
        return SlotReferences.to(references, (int)sequence & mask);
    }

    /**
     * After copying a slot's word, then its timestamp and values: whether they belong with the word. True at once
     * when a slot is its word alone, as the word is then the whole transition.
     *
     * @param sequence the sequence read.
     * @param word     the word read before the timestamp.
     * @return whether the slot still holds {@code word}.
     */
    public boolean isStill(final long sequence, final long word)
    {
        if (!multiWord)
        {
            return true;
        }
        VarHandle.loadLoadFence(); // the longs' loads before this re-read (pairs with the store-store fence)
        return (long)SLOT.getOpaque(slots, (int)sequence & mask) == word;
    }

    /**
     * A slot's word with an acquire load: loads after it (a slot's longs, a re-read) stay after it.
     *
     * @param sequence a published sequence.
     * @return the slot's word, of {@code sequence} or of a later lap.
     */
    public long wordAcquire(final long sequence)
    {
        return (long)SLOT.getAcquire(slots, (int)sequence & mask);
    }

    // ---- gating ----

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
