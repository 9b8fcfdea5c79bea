package io.statebus.read;

import io.statebus.KeyedTransition;
import io.statebus.ring.StateIds;

/**
 * The reusable transition of a keyed bus's reader: states by id from the slot's word, as on any bus, and the key
 * from the slot's first long, copied and validated with the word (see {@code SlotValues}).
 */
final class KeyedTransitionView<S> extends TransitionView<S> implements KeyedTransition<S>
{
    KeyedTransitionView(final StateIds<S> ids)
    {
        super(ids);
    }

    @Override
    public long key()
    {
        return fromValue;
    }

    @Override
    public String toString()
    {
        return "#" + sequence + " key " + fromValue + ": " + from() + " -> " + to();
    }
}
