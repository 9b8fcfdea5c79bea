package io.statebus;

/**
 * What happens when a subscription falls a whole ring behind the producer.
 */
public enum Policy
{
    /**
     * The producer waits for this subscription: it never overwrites a slot this subscription has not consumed, so
     * the subscription receives every transition after its join point, exactly once, in order. Closing or failing
     * the subscription stops it holding the producer back at once.
     */
    BLOCK,

    /**
     * The producer never waits for this subscription. When lapped, the subscription receives one
     * {@link Gap gap notice} per incident saying exactly what it missed, and resumes from the oldest transition
     * still in the ring. {@code delivered + missed == published since join}, always; a torn transition is never
     * delivered.
     */
    GAP,

    /**
     * {@link #GAP} that keeps up rather than catches up (conflation, as a monitor of the latest state wants): when
     * lapped it resumes at the latest transition instead of the oldest still in the ring, so it is not lapped again
     * at once. Everything it skips is in its gap notice; the accounting stays exact.
     */
    CONFLATE
}
