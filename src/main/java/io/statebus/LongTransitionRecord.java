package io.statebus;

/** The immutable form of a {@link LongTransition}: what {@link LongTransition#copy()} returns. */
record LongTransitionRecord(long sequence, long from, long to, long timestampNanos) implements LongTransition
{
    @Override
    public LongTransition copy()
    {
        return this;
    }

    @Override
    public String toString()
    {
        return "#" + sequence + " " + from + " -> " + to;
    }
}
