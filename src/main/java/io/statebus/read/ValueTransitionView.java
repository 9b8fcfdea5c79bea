package io.statebus.read;

import io.statebus.ring.StateIds;

/**
 * The reusable transition of a value bus's reader: its states are the slot's longs, not ids. {@code from()} and
 * {@code to()} box them (only the engine's own awaits call those); the value bus's handlers read
 * {@link #fromValue()} and {@link #toValue()} instead, through an adapter, and allocate nothing. The only
 * {@link SlotValuesView}: the adapter tells by it that a transition really carries a long bus's values.
 */
final class ValueTransitionView<S> extends ValueStatesView<S> implements SlotValuesView
{
    ValueTransitionView(final StateIds<S> ids)
    {
        super(ids);
    }

    @Override
    public long fromValue()
    {
        return fromValue;
    }

    @Override
    public long toValue()
    {
        return toValue;
    }

    @Override
    @SuppressWarnings("unchecked")
    public S from()
    {
        return (S)Long.valueOf(fromValue); // a value bus's S is Long
    }

    @Override
    @SuppressWarnings("unchecked")
    public S to()
    {
        return (S)Long.valueOf(toValue);
    }
}
