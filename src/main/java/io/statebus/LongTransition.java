package io.statebus;

/**
 * One change of a {@code long} value: {@code from -> to}, with the ring sequence that ordered it and the bus
 * clock's time. The {@link LongStateBus} counterpart of {@link Transition}, with no boxing.
 *
 * <p>A transition handed to a handler is a read-only view reused for the next one: valid only during the
 * callback. Call {@link #copy()} to keep it. For consecutive transitions a subscription receives,
 * {@code next.from() == prev.to()}.
 */
public interface LongTransition
{
    /**
     * @return the position of this transition in the bus's history, starting at 1.
     */
    long sequence();

    /**
     * @return the value before this transition.
     */
    long from();

    /**
     * @return the value after this transition.
     */
    long to();

    /**
     * @return the bus clock's reading when the transition was published; 0 with the no-op clock.
     */
    long timestampNanos();

    /**
     * An immutable copy that stays valid after the callback. Allocates.
     *
     * @return a copy of this transition.
     */
    default LongTransition copy()
    {
        return of(sequence(), from(), to(), timestampNanos());
    }

    /**
     * An immutable transition, for tests and for keeping a copy.
     *
     * @param sequence       the sequence.
     * @param from           the value before.
     * @param to             the value after.
     * @param timestampNanos the time.
     * @return an immutable transition with these values.
     */
    static LongTransition of(final long sequence, final long from, final long to, final long timestampNanos)
    {
        return new LongTransitionRecord(sequence, from, to, timestampNanos);
    }
}
