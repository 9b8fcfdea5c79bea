package io.statebus;

/**
 * The immutable form of a {@link Transition}: what {@link Transition#copy()} returns. Its states are null only on a
 * nullable {@link ValueStateBus}, whose values may be null.
 */
record TransitionRecord<S>(long sequence, S from, S to, long timestampNanos) implements Transition<S>
{
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
