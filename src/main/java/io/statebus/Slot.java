package io.statebus;

/**
 * One preallocated ring entry: a transition stored as two 16-bit state ids, so an entry is 32 bytes with its
 * object header and two entries share a cache line (a transition moves as little memory between cores as
 * possible).
 *
 * <pre>
 *   0               12              16                24                 32
 *  +----------------+---------------+-----------------+------------------+
 *  | object header  | from:16 to:16 | sequence (long) | timestampNanos   |
 *  +----------------+---------------+-----------------+------------------+
 * </pre>
 *
 * Single writer: the producer that claimed the slot's sequence writes these plain fields, then publishes the ring
 * cursor with a release store, which is what makes them visible to readers that acquire the cursor. A reader that
 * does not gate the producer (GAP) validates its copy against the bus's state word afterwards (see
 * {@code Subscription}).
 */
final class Slot
{
    /** The sequence this slot currently holds; lets a lapped reader see that it was overwritten. */
    long sequence = -1;
    long timestampNanos;
    /** {@code from << 16 | to}: both ids in one int keeps the slot at 32 bytes. */
    int states;

    private static final int TO_BITS = 16;

    static int pack(final int fromId, final int toId)
    {
        return fromId << TO_BITS | toId;
    }

    static int fromId(final int states)
    {
        return states >>> TO_BITS;
    }

    static int toId(final int states)
    {
        return states & ((1 << TO_BITS) - 1);
    }
}
