package io.statebus.read;

import io.statebus.ring.TransitionRing;

/**
 * Copies what a slot holds beside its word (its timestamp; a long bus's or keyed bus's longs, or a value bus's
 * references) into a reader's view, then re-reads the word: the copy is kept only if the word is unchanged, so a
 * reader never delivers parts of two publications (see {@code SlotValues}). Both read loops use it; the flags are
 * the ring's, fixed for life, passed in so the JIT keeps them out of the loop.
 */
final class SlotCopy
{
    private SlotCopy()
    {
    }

    /**
     * @param ring       the ring.
     * @param view       the reader's view, written before the check (delivered only if it passes).
     * @param s          the sequence read.
     * @param word       its word, read first.
     * @param valued     whether the ring has longs beside the word.
     * @param referenced whether it has references beside the word.
     * @return whether the slot still holds {@code word}: the view holds one whole transition.
     */
    static boolean besideWord(
        final TransitionRing ring, final TransitionView<?> view, final long s, final long word, final boolean valued,
        final boolean referenced)
    {
        view.timestampNanos = ring.timestampAt(s); // 0 without a clock
        if (valued)
        {
            view.fromValue = ring.fromValueAt(s);
            view.toValue = ring.toValueAt(s);
        }
        else if (referenced)
        {
            view.fromReference = ring.fromReferenceAt(s);
            view.toReference = ring.toReferenceAt(s);
        }
        return ring.isStill(s, word); // true at once for a slot that is its word alone
    }
}
