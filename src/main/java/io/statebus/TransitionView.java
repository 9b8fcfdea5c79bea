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
    /** The table's states by id, held directly: one load less per from() and to() than going through the table. */
    private final Object[] byId;
    long sequence;
    /** Packed as in {@link Slot}. */
    int states;
    long timestampNanos;

    TransitionView(final StateTable<S> table)
    {
        this.byId = table.statesById();
    }

    @Override
    public long sequence()
    {
        return sequence;
    }

    @Override
    @SuppressWarnings("unchecked")
    public S from()
    {
        return (S)byId[Slot.fromId(states)];
    }

    @Override
    @SuppressWarnings("unchecked")
    public S to()
    {
        return (S)byId[Slot.toId(states)];
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
