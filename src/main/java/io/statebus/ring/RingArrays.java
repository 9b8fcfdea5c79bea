package io.statebus.ring;

import java.lang.invoke.VarHandle;

/**
 * A ring's arrays, for a read loop that copies many slots. The loop holds them in locals: the load-load fence of
 * each slot's validation ({@link #stillHolds}) then forces only the slot's own re-read, not a reload of the ring's
 * fields (the JIT may not keep a field's value in a register across a fence) for every slot. Layouts as
 * {@link SlotValues} and {@link SlotReferences} draw them.
 */
public final class RingArrays
{
    /** {@link #shift} of a ring whose slots carry longs ({@link #values} not null); 0 for all others. */
    public static final int VALUES_SHIFT = SlotValues.SHIFT;

    /** The words; on a long or keyed bus each followed by its longs ({@link SlotValues}). */
    public final long[] slots;
    /** Timestamps by slot number ({@code index >> shift}), or null without a clock. */
    public final long[] times;
    /** {@link #slots} itself when slots carry two longs (a long bus's values, a keyed bus's key first), or null. */
    public final long[] values;
    /** Two references per slot (a value bus, whose slots are their word alone: index is the slot), or null. */
    public final Object[] references;
    /** log2 of the longs per slot in {@link #slots}: a sequence's word is at {@link #index}. */
    public final int shift;

    RingArrays(
        final long[] slots, final long[] times, final long[] values, final Object[] references, final int shift)
    {
        this.slots = slots;
        this.times = times;
        this.values = values;
        this.references = references;
        this.shift = shift;
    }

    /**
     * Where a sequence's word sits ({@link RingSlots#at} for a loop's locals).
     *
     * @param slots    the words.
     * @param shift    {@link #shift}.
     * @param sequence a sequence.
     * @return the index of its word in {@code slots}.
     */
    public static int index(final long[] slots, final int shift, final long sequence)
    {
        return (int)sequence << shift & slots.length - 1;
    }

    /**
     * A slot's word, read whole even while the producer writes it ({@link RingSlots#wordRacing} for a loop's locals).
     *
     * @param slots the words.
     * @param index the slot.
     * @return its word, of the sequence asked for or of a later lap.
     */
    public static long racingWord(final long[] slots, final int index)
    {
        return (long)RingSlots.SLOT.getOpaque(slots, index);
    }

    /**
     * After copying a slot's word, then what lies beside it: whether the slot still holds that word, so the copy
     * is whole ({@link RingSlots#isStill} for a loop's locals).
     *
     * @param slots the words.
     * @param index the slot.
     * @param word  the word copied first.
     * @return whether the copy belongs with the word.
     */
    public static boolean stillHolds(final long[] slots, final int index, final long word)
    {
        VarHandle.loadLoadFence(); // the copies' loads before this re-read (pairs with the producer's store-store fence)
        return (long)RingSlots.SLOT.getOpaque(slots, index) == word;
    }

    /**
     * @param values the words and longs.
     * @param index  the slot's word's index.
     * @return the slot's first long; valid only if {@link #stillHolds} confirms the word after.
     */
    public static long firstLong(final long[] values, final int index)
    {
        return SlotValues.from(values, index);
    }

    /**
     * @param values the words and longs.
     * @param index  the slot's word's index.
     * @return the slot's second long; valid only if {@link #stillHolds} confirms the word after.
     */
    public static long secondLong(final long[] values, final int index)
    {
        return SlotValues.to(values, index);
    }

    /**
     * @param references the array beside the words.
     * @param index  the slot.
     * @return the slot's {@code from} reference; valid only if {@link #stillHolds} confirms the word after.
     */
    public static Object fromReference(final Object[] references, final int index)
    {
        return SlotReferences.from(references, index);
    }

    /**
     * @param references the array beside the words.
     * @param index  the slot.
     * @return the slot's {@code to} reference; valid only if {@link #stillHolds} confirms the word after.
     */
    public static Object toReference(final Object[] references, final int index)
    {
        return SlotReferences.to(references, index);
    }
}
