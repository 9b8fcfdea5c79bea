package io.statebus.aeron;

import io.statebus.Transition;

import java.util.Arrays;

/**
 * A bridge's way from a source bus's state index ({@link Transition#toIndex()}) to its {@link StateTable}
 * id, learned the first time each index is seen: the table may list the states in another order than the bus does,
 * so an index is not an id until the table has named it once. After that a transition's ids cost an array load each,
 * not the state's lookup and the table's. Duty-cycle thread only.
 *
 * @param <S> the state type.
 */
final class BusStateIds<S>
{
    private final StateTable<S> states;
    private final int[] idOfIndex;

    BusStateIds(final StateTable<S> states)
    {
        this.states = states;
        this.idOfIndex = new int[StateTable.MAX_STATES];
        Arrays.fill(idOfIndex, -1);
    }

    /**
     * @return the table's id of {@code t}'s from-state.
     * @throws IllegalArgumentException if the table does not hold it.
     */
    int fromId(final Transition<S> t)
    {
        final int index = t.fromIndex();
        final int id = index >= 0 && index < idOfIndex.length ? idOfIndex[index] : -1;
        return id >= 0 ? id : learn(index, t.from());
    }

    /**
     * @return the table's id of {@code t}'s to-state.
     * @throws IllegalArgumentException if the table does not hold it.
     */
    int toId(final Transition<S> t)
    {
        final int index = t.toIndex();
        final int id = index >= 0 && index < idOfIndex.length ? idOfIndex[index] : -1;
        return id >= 0 ? id : learn(index, t.to());
    }

    private int learn(final int index, final S state)
    {
        final int id = states.idOf(state);
        if (index >= 0 && index < idOfIndex.length)
        {
            idOfIndex[index] = id;
        }
        return id;
    }
}
