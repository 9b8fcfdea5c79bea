package io.statebus;

import io.statebus.read.SlotValuesView;

/**
 * The reusable {@link LongTransition} a {@link LongStateBus} subscription hands to its handler: a window onto the
 * engine's reusable transition of the same reader, so a delivery stores one reference and copies nothing. Owned
 * by the subscription's consuming thread.
 */
final class LongTransitionView implements LongTransition
{
    /** The engine's view of the slot being delivered, set before each callback. */
    SlotValuesView slot;

    @Override
    public long sequence()
    {
        return slot.sequence();
    }

    @Override
    public long from()
    {
        return slot.fromValue();
    }

    @Override
    public long to()
    {
        return slot.toValue();
    }

    @Override
    public long timestampNanos()
    {
        return slot.timestampNanos();
    }

    @Override
    public String toString()
    {
        return "#" + sequence() + " " + from() + " -> " + to();
    }
}
