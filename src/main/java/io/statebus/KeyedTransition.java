package io.statebus;

/**
 * A transition of one entity on a {@link KeyedStateBus}: its key, and its {@code from} and {@code to} (the
 * entity's previous transition's {@code to}, or its initial state when the transition opened it). As with
 * {@link Transition}, a handler's instance is reused: {@link #copy()} to keep it.
 *
 * @param <S> the state type.
 */
public interface KeyedTransition<S> extends Transition<S>
{
    /**
     * @return the key of the entity that changed state.
     */
    long key();

    /**
     * An immutable copy that stays valid after the callback. Allocates.
     *
     * @return a copy of this transition, with its key.
     */
    @Override
    default KeyedTransition<S> copy()
    {
        return of(key(), sequence(), from(), to(), timestampNanos());
    }

    /**
     * An immutable keyed transition, for tests and for keeping a copy.
     *
     * @param key            the entity's key.
     * @param sequence       the sequence.
     * @param from           the state before.
     * @param to             the state after.
     * @param timestampNanos the time.
     * @param <S>            the state type.
     * @return an immutable transition with these values.
     */
    static <S> KeyedTransition<S> of(
        final long key, final long sequence, final S from, final S to, final long timestampNanos)
    {
        return new KeyedTransitionRecord<>(key, sequence, from, to, timestampNanos);
    }
}
