package io.statebus;

/**
 * The reusable transition a subscription hands to its handler, owned by the subscription's consuming thread.
 *
 * <p>Two ways to fill it: a gated read ({@code BLOCK}) points it at the slot itself, which the subscription's
 * gate protects until the callback returns, so the handler reads only the fields it uses (as with a raw
 * Disruptor event); a validated read ({@code GAP}, replay) fills it with a copy that was checked not to be torn.
 */
final class TransitionView<S> implements Transition<S>
{
    private final StateTable<S> table;
    private final long[] timestamps;
    private final int indexMask;
    /** Gated read: the slot; null for a validated copy. */
    Slot slot;
    long sequence;
    /** Validated copy: packed as in {@link Slot}. */
    int states;
    long timestampNanos;

    TransitionView(final StateTable<S> table, final long[] timestamps, final int indexMask)
    {
        this.table = table;
        this.timestamps = timestamps;
        this.indexMask = indexMask;
    }

    private int states()
    {
        final Slot gated = slot;
        return gated != null ? gated.states : states;
    }

    @Override
    public long sequence()
    {
        return sequence;
    }

    @Override
    public S from()
    {
        return table.stateOf(Slot.fromId(states()));
    }

    @Override
    public S to()
    {
        return table.stateOf(Slot.toId(states()));
    }

    @Override
    public long timestampNanos()
    {
        if (slot == null)
        {
            return timestampNanos;
        }
        final long[] times = timestamps;
        return times == null ? 0 : times[(int)sequence & indexMask];
    }

    @Override
    public String toString()
    {
        return "#" + sequence + " " + from() + " -> " + to();
    }
}
