package io.statebus;

/**
 * One preallocated ring entry: a transition stored as ids, 32-40 bytes with its header, so a transition moves
 * as little memory between cores as possible.
 *
 * <pre>
 *  +--------------+-----------------+-----------+-----------+
 *  | header       | sequence (long) | from (int)| to (int)  |  timestampNanos (long)
 *  +--------------+-----------------+-----------+-----------+
 * </pre>
 *
 * Single writer: the producer that claimed the slot's sequence writes these plain fields, then publishes the ring
 * cursor with a release store, which is what makes them visible to readers that acquire the cursor. A reader that
 * is not gating the producer (GAP) validates its copy against the bus's state word afterwards (see
 * {@code Subscription}).
 */
final class Slot
{
    /** The sequence this slot currently holds; lets a lapped reader see that it was overwritten. */
    long sequence = -1;
    int fromId;
    int toId;
    long timestampNanos;
}
