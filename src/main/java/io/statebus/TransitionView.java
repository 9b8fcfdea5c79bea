package io.statebus;

/**
 * The reusable transition a subscription hands to its handler, owned by the subscription's consuming thread.
 *
 * <p>Always a copy: the subscription reads the slot before it checks that it still owns the slot (gated read, for
 * {@code BLOCK}) or that the copy is not torn (validated read, for {@code GAP} and replay), so a handler never
 * sees a slot that was overwritten while it ran, not even after another thread closed the subscription.
 */
final class TransitionView<S> implements Transition<S>
{
    private final StateTable<S> table;
    long sequence;
    /** Packed as in {@link Slot}. */
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
