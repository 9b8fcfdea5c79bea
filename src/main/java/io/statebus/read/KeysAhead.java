package io.statebus.read;

import java.util.function.LongPredicate;

/**
 * A keyed reader's transition, asked by a key-filtered delivery whether the batch it is delivering holds another
 * transition of the keys the filter admits: if not, this one ends the batch for its handler, whose
 * {@code endOfBatch} would otherwise fall on a transition it never sees.
 */
public interface KeysAhead
{
    /**
     * Reads the keys of the transitions after this one, up to the end of its batch, until one is admitted. A
     * {@code BLOCK} reader's are published and gated, so exact; a {@code GAP} reader's producer may overwrite them
     * meanwhile (a later lap's key), so for it the answer is a hint, and the transitions are still read validated.
     *
     * @param keys a key filter.
     * @return the sequence of the first transition after this one in its batch whose key {@code keys} admits, or
     *     -1 if there is none.
     */
    long nextAdmitted(LongPredicate keys);
}
