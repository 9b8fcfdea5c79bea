package io.statebus.read;

import io.statebus.ring.StateIds;

/**
 * The reusable transition of a reference value bus's reader: its states are the references copied from the slot
 * beside its word, not ids.
 */
final class ReferenceTransitionView<S> extends ValueStatesView<S>
{
    ReferenceTransitionView(final StateIds<S> ids)
    {
        super(ids);
    }

    @Override
    @SuppressWarnings("unchecked")
    public S from()
    {
        return (S)fromReference; // written by the bus's producer from values of type S
    }

    @Override
    @SuppressWarnings("unchecked")
    public S to()
    {
        return (S)toReference;
    }
}
