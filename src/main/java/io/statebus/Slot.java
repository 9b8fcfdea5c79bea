package io.statebus;

/**
 * One preallocated ring entry: a transition's {@code from} and {@code to} state ids packed in one {@code int}, so
 * an entry is 16 bytes with its object header and four share a cache line. Cross-core throughput follows the bytes
 * moved per transition, so the slot holds nothing else: its sequence is the ring index the reader already knows,
 * a lapped reader is detected through the bus's state word instead (see {@code Subscription}), and timestamps
 * live in a parallel array that exists only when the bus has a clock.
 *
 * <pre>
 *   0               12              16
 *  +----------------+---------------+
 *  | object header  | from:16 to:16 |
 *  +----------------+---------------+
 * </pre>
 *
 * Single writer: the producer that claimed the slot's sequence writes it (and its timestamp), then publishes the
 * ring cursor with a release store, which makes both visible to readers that acquire the cursor.
 */
final class Slot
{
    private static final int TO_BITS = 16;

    /** {@code from << 16 | to}. */
    int states;

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
