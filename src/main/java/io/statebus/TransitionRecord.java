package io.statebus;

import java.util.Objects;

/** The immutable form of a {@link Transition}: what {@link Transition#copy()} returns. */
record TransitionRecord<S>(long sequence, S from, S to, long timestampNanos) implements Transition<S>
{
    TransitionRecord
    {
        Objects.requireNonNull(from, "from must not be null");
        Objects.requireNonNull(to, "to must not be null");
    }

    @Override
    public Transition<S> copy()
    {
        return this;
    }

    @Override
    public String toString()
    {
        return "#" + sequence + " " + from + " -> " + to;
    }
}
