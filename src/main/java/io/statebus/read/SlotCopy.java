package io.statebus.read;

import io.statebus.ring.RingArrays;

/**
 * Copies what a slot holds beside its word (its timestamp; a long bus's or keyed bus's longs, or a value bus's
 * references) into a reader's view, then re-reads the word: the copy is kept only if the word is unchanged, so a
 * reader never delivers parts of two publications (see {@code SlotValues}). Both read loops use it, passing the
 * ring's arrays from their locals (see {@link RingArrays}).
 */
final class SlotCopy
{
    private SlotCopy()
    {
    }

    /**
     * @param slots      the ring's words.
     * @param times      its timestamps, or null.
     * @param values     its longs beside the words, or null.
     * @param references its references beside the words, or null.
     * @param index      the index of the slot's word ({@link RingArrays#index}).
     * @param view       the reader's view, written before the check (delivered only if it passes).
     * @param word       the slot's word, read first.
     * @return whether the slot still holds {@code word}: the view holds one whole transition.
     */
    static boolean besideWord(
        final long[] slots, final long[] times, final long[] values, final Object[] references, final int index,
        final TransitionView<?> view, final long word)
    {
        if (times != null) // without a clock the view's timestamp stays 0: a view reads one ring for life
        {
            // times by slot number: the word's index without the longs beside it (references: index is the slot)
            view.timestampNanos = times[values == null ? index : index >> RingArrays.VALUES_SHIFT];
        }
        if (values != null)
        {
            view.fromValue = RingArrays.firstLong(values, index);
            view.toValue = RingArrays.secondLong(values, index);
        }
        else if (references != null)
        {
            view.fromReference = RingArrays.fromReference(references, index);
            view.toReference = RingArrays.toReference(references, index);
        }
        return RingArrays.stillHolds(slots, index, word);
    }
}
