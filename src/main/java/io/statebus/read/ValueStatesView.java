package io.statebus.read;

import io.statebus.ring.StateIds;

/**
 * A view whose states are values copied from beside the slot's word ({@link ValueTransitionView}: longs,
 * {@link ReferenceTransitionView}: references), not ids of listed states: they have no index, so
 * {@link #fromIndex()} and {@link #toIndex()} say -1, as {@code Transition} documents.
 */
abstract class ValueStatesView<S> extends TransitionView<S>
{
    ValueStatesView(final StateIds<S> ids)
    {
        super(ids);
    }

    @Override
    public final int fromIndex()
    {
        return -1;
    }

    @Override
    public final int toIndex()
    {
        return -1;
    }
}
