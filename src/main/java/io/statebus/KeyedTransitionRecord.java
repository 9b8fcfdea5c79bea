package io.statebus;

/** An immutable {@link KeyedTransition}: what {@link KeyedTransition#copy()} returns. */
record KeyedTransitionRecord<S>(long key, long sequence, S from, S to, long timestampNanos)
    implements KeyedTransition<S>
{
    @Override
    public KeyedTransition<S> copy()
    {
        return this;
    }

    @Override
    public String toString()
    {
        return "#" + sequence + " key " + key + ": " + from + " -> " + to;
    }
}
