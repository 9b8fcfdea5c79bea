package io.statebus;

/**
 * One change of state: {@code from -> to}, with the ring sequence that ordered it and the bus clock's time.
 *
 * <p>A transition handed to a handler is a read-only view that is reused for the next one: it is valid only during
 * the callback. Call {@link #copy()} to keep it.
 *
 * <p>Sequence 0 is the initial state; the first transition has sequence 1. For consecutive transitions a
 * subscription receives, {@code next.from() == prev.to()}.
 *
 * @param <S> the state type
 */
public interface Transition<S>
{
    /**
     * @return the position of this transition in the bus's history, starting at 1.
     */
    long sequence();

    /**
     * @return the state before this transition.
     */
    S from();

    /**
     * @return the state after this transition.
     */
    S to();

    /**
     * @return the bus clock's reading when the transition was published; 0 with the no-op clock.
     */
    long timestampNanos();

    /**
     * An immutable copy that stays valid after the callback. Allocates.
     *
     * @return a copy of this transition.
     */
    default Transition<S> copy()
    {
        return of(sequence(), from(), to(), timestampNanos());
    }

    /**
     * An immutable transition, for tests and for keeping a copy.
     *
     * @param sequence       the sequence.
     * @param from           the state before (null only as a nullable {@link ValueStateBus}'s value).
     * @param to             the state after (likewise).
     * @param timestampNanos the time.
     * @param <S>            the state type.
     * @return an immutable transition with these values.
     */
    static <S> Transition<S> of(final long sequence, final S from, final S to, final long timestampNanos)
    {
        return new TransitionRecord<>(sequence, from, to, timestampNanos);
    }
}
