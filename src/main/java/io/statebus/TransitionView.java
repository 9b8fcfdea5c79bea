package io.statebus;

/**
 * The reusable transition a subscription hands to its handler: filled from a slot (or a validated copy of one),
 * owned by the subscription's consuming thread, never shared.
 */
final class TransitionView<S> implements Transition<S>
{
    private final StateTable<S> table;
    long sequence;
    /** Packed as in {@link Slot}: one copy instead of two. */
    int states;
    long timestampNanos;

    TransitionView(final StateTable<S> table)
    {
        this.table = table;
    }

    @Override
    public long sequence()
    {
        return sequence;
    }

    @Override
    public S from()
    {
        return table.stateOf(Slot.fromId(states));
    }

    @Override
    public S to()
    {
        return table.stateOf(Slot.toId(states));
    }

    @Override
    public long timestampNanos()
    {
        return timestampNanos;
    }

    @Override
    public String toString()
    {
        return "#" + sequence + " " + from() + " -> " + to();
    }
}
