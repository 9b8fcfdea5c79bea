package io.statebus.read;

import io.statebus.KeyedTransition;
import io.statebus.ring.RingArrays;
import io.statebus.ring.StateIds;

import java.util.function.LongPredicate;

/**
 * The reusable transition of a keyed bus's reader: states by id from the slot's word, as on any bus, and the key
 * from the slot's first long, copied and validated with the word (see {@code SlotValues}).
 */
final class KeyedTransitionView<S> extends TransitionView<S> implements KeyedTransition<S>, KeysAhead
{
    /** The ring's arrays, for {@link #nextAdmitted}: a view reads one ring for life. */
    private final RingArrays arrays;

    KeyedTransitionView(final StateIds<S> ids, final RingArrays arrays)
    {
        super(ids);
        this.arrays = arrays;
    }

    @Override
    public long nextAdmitted(final LongPredicate keys)
    {
        final long[] slots = arrays.slots;
        for (long s = sequence + 1; s <= batchEnd; s++)
        {
            if (keys.test(RingArrays.firstLong(arrays.values, RingArrays.index(slots, arrays.shift, s))))
            {
                return s;
            }
        }
        return -1;
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
