package io.statebus.ring;

import com.lmax.disruptor.SingleProducerSequencer;
import com.lmax.disruptor.WaitStrategy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The storage of a {@link TransitionRing} and everything any thread reads from it: the slots' words, the optional
 * parallel arrays beside them (timestamps; a long bus's values, a keyed bus's keys, or a value bus's references),
 * and the cursor. {@link TransitionRing} adds what only the producer and the gating do; the fields live in this one
 * object, so a read pays no hop for the split.
 *
 * <pre>
 *  slots:       [ word#8 | word#9 | word#10 | word#3 ]        capacity 4: slot = sequence &amp; 3
 *  times:       [ t#8    | t#9    | t#10    | t#3    ]        only with a clock
 *  references:  [ from#8 to#8 | from#9 to#9 | ...    ]        a value bus's references
 *
 *  a long bus's or keyed bus's slots, each word with its longs ({@link SlotValues}):
 *  slots:       [ word#8 from#8 to#8 - | word#9 from#9 to#9 - | ... ]     slot s at (s &amp; 3) * 4
 * </pre>
 *
 * <p>A slot's longs sit beside its word in the one array, not in an array of their own: a publish writes one
 * stream of memory, not two, and a reader's copy touches one cache line. (A stand-alone loop of the owner's writes
 * cost 3.5 ns per transition with two arrays, 1.9 with one; see perf/FINDINGS.md §10 for what it did to the bus.)
 * Every access goes through {@link #at}: the word of a sequence sits at {@code at(sequence)}.
 */
abstract class RingSlots
{
    static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    /** The words; with {@link #shift} 2, each word followed by its longs. */
    final long[] slots;
    /** Timestamps by slot number ({@code at(sequence) >> shift}), or null when the bus has no clock. */
    final long[] times;
    /** {@link #slots} itself when slots carry longs beside their word ({@link SlotValues}), else null. */
    final long[] values;
    /** A reference bus's {@code (from, to)} references, two per slot ({@link SlotReferences}), or null. */
    final Object[] references;
    /** Whether the longs beside the word are keys (a keyed bus) rather than the states (a value bus). */
    final boolean keyed;
    /** Whether a slot has more than its word, so a racing copy must re-read the word ({@link #isStill}). */
    final boolean multiWord;
    /** log2 of the longs per slot in {@link #slots}: 0 (the word alone) or {@link SlotValues#SHIFT}. */
    final int shift;
    /** {@code slots.length - 1}: {@link #at} masks the shifted sequence with it. */
    final int positionMask;
    final SingleProducerSequencer sequencer;
    private final RingArrays arrays;

    RingSlots(
        final int capacity, final boolean stamped, final boolean valued, final boolean referenced,
        final boolean keyed, final WaitStrategy waits)
    {
        this.keyed = keyed;
        this.references = referenced ? new Object[SlotReferences.WIDTH * capacity] : null;
        this.shift = valued ? SlotValues.SHIFT : 0;
        this.slots = new long[capacity << shift];
        this.times = stamped ? new long[capacity] : null;
        this.values = valued ? slots : null;
        this.multiWord = stamped || valued || referenced;
        this.positionMask = slots.length - 1;
        this.sequencer = new SingleProducerSequencer(capacity, waits);
        this.arrays = new RingArrays(slots, times, values, references, shift);
    }

    /**
     * @param sequence a sequence.
     * @return where its slot's word sits in {@link #slots}.
     */
    final int at(final long sequence)
    {
        return (int)sequence << shift & positionMask;
    }

    /**
     * @return the arrays, for read loops that hold them in locals.
     */
    public RingArrays arrays()
    {
        return arrays;
    }

    /**
     * @return the number of slots.
     */
    public int capacity()
    {
        return slots.length >> shift;
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

    // ---- reader side: any thread ----

    /**
     * @return the highest published sequence (acquire).
     */
    public long cursor()
    {
        return sequencer.getCursor();
    }

    /**
     * A slot's word, with a plain load: for gated readers, whose slots the producer cannot overwrite, of a ring whose
     * slots are their word alone (no longs beside it: its place is the sequence masked, no shift).
     *
     * @param sequence a published sequence.
     * @return the slot's word.
     */
    public long wordAt(final long sequence)
    {
        return slots[(int)sequence & positionMask];
    }

    /**
     * A slot's word, read whole even while the producer writes it: for readers that validate the tag.
     *
     * @param sequence a published sequence.
     * @return the slot's word, of {@code sequence} or of a later lap.
     */
    public long wordRacing(final long sequence)
    {
        return (long)SLOT.getOpaque(slots, at(sequence));
    }

    /**
     * @param sequence a published sequence.
     * @return whether it was lost upstream (a mirror's), rather than holding a transition or lapped.
     */
    public boolean isLost(final long sequence)
    {
        return SlotWord.isLostAt((long)SLOT.getAcquire(slots, at(sequence)), sequence);
    }


    /**
     * @param sequence a published sequence.
     * @return its {@code from} value (a value bus); valid only if {@link #isStill} confirms the slot's word after.
     */
    public long fromValueAt(final long sequence)
    {
        return SlotValues.from(values, at(sequence));
    }

    /**
     * @param sequence a published sequence.
     * @return its {@code to} value (a value bus); valid only if {@link #isStill} confirms the slot's word after.
     */
    public long toValueAt(final long sequence)
    {
        return SlotValues.to(values, at(sequence));
    }

    /**
     * @param sequence a published sequence.
     * @return its {@code from} reference (a reference bus); valid only if {@link #isStill} confirms the word after.
     */
    public Object fromReferenceAt(final long sequence)
    {
        return SlotReferences.from(references, at(sequence));
    }

    /**
     * @param sequence a published sequence.
     * @return its {@code to} reference (a reference bus); valid only if {@link #isStill} confirms the word after.
     */
    public Object toReferenceAt(final long sequence)
    {
        return SlotReferences.to(references, at(sequence));
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
        return (long)SLOT.getOpaque(slots, at(sequence)) == word;
    }

    /**
     * A slot's word with an acquire load: loads after it (a slot's longs, a re-read) stay after it.
     *
     * @param sequence a published sequence.
     * @return the slot's word, of {@code sequence} or of a later lap.
     */
    public long wordAcquire(final long sequence)
    {
        return (long)SLOT.getAcquire(slots, at(sequence));
    }
}
