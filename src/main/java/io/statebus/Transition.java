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
     * The index of {@link #from()} among the bus's states, for a handler that keeps an array per state and needs
     * no lookup behind {@code from()}: a constant's ordinal on a bus of an enum ({@code StateBus.builder(E)},
     * {@code KeyedStateBus.builder(Class)}), a state's place in the list on a bus of listed states.
     *
     * <pre>{@code
     * long[] entered = new long[Phase.values().length];
     * sub.poll((t, end) -> entered[t.toIndex()]++, 64);
     * }</pre>
     *
     * @return the index, or -1 where states have no index: a value bus's transitions, and copies
     *     ({@link #copy()}, {@link #of}).
     */
    default int fromIndex()
    {
        return -1;
    }

    /**
     * The index of {@link #to()} among the bus's states, as {@link #fromIndex()} gives {@code from}'s.
     *
     * @return the index, or -1 where states have no index.
     */
    default int toIndex()
    {
        return -1;
    }

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
