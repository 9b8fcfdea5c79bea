package io.statebus;

import org.agrona.collections.Object2IntHashMap;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Maps the bus's states to small ids and back, so a ring slot stores two {@code int}s instead of two references
 * (smaller slots, and no GC write barrier on the publish path). Immutable after construction; safe to share.
 */
final class StateTable<S>
{
    /** Largest number of distinct states: ids must fit the low bits of the bus's state word. */
    static final int MAX_STATES = 1 << StateWord.ID_BITS;

    private final Object[] states;
    private final Class<?> enumType;
    private final Object2IntHashMap<Object> ids;

    private StateTable(final Object[] states, final Class<?> enumType, final Object2IntHashMap<Object> ids)
    {
        this.states = states;
        this.enumType = enumType;
        this.ids = ids;
    }

    static <E extends Enum<E>> StateTable<E> forEnum(final Class<E> type)
    {
        final E[] constants = type.getEnumConstants();
        if (constants.length > MAX_STATES)
        {
            throw new IllegalArgumentException("at most " + MAX_STATES + " states, " + type.getName() + " has " +
                constants.length);
        }
        return new StateTable<>(constants, type, null);
    }

    static <S> StateTable<S> forStates(final List<S> declared)
    {
        Objects.requireNonNull(declared, "states must not be null");
        if (declared.isEmpty())
        {
            throw new IllegalArgumentException("states must not be empty");
        }
        if (declared.size() > MAX_STATES)
        {
            throw new IllegalArgumentException("at most " + MAX_STATES + " states, got " + declared.size());
        }
        final Object2IntHashMap<Object> ids = new Object2IntHashMap<>(declared.size() * 2, 0.5f, -1);
        final Object[] states = new Object[declared.size()];
        for (int i = 0; i < states.length; i++)
        {
            final S state = Objects.requireNonNull(declared.get(i), "states must not contain null");
            if (ids.put(state, i) != -1)
            {
                throw new IllegalArgumentException("state listed twice: " + state);
            }
            states[i] = state;
        }
        return new StateTable<>(states, null, ids);
    }

    /** The id of a state; a clear error for null or a state this bus does not know. */
    int idOf(final S state)
    {
        // the common case first: a constant of the bus's enum class is its ordinal (enum constants are
        // singletons, so the class alone proves it is this table's; constants with a body take the full check)
        if (state != null && state.getClass() == enumType)
        {
            return ((Enum<?>)state).ordinal();
        }
        return idOfChecked(state);
    }

    private int idOfChecked(final S state)
    {
        if (state == null)
        {
            throw new NullPointerException("state must not be null");
        }
        if (enumType != null)
        {
            // the ordinal names a slot of the table; identity with what is there rules out other enums' constants
            final int ordinal = state instanceof Enum ? ((Enum<?>)state).ordinal() : -1;
            if (ordinal < 0 || ordinal >= states.length || states[ordinal] != state)
            {
                throw unknown(state);
            }
            return ordinal;
        }
        final int id = ids.getValue(state);
        if (id < 0)
        {
            throw unknown(state);
        }
        return id;
    }

    @SuppressWarnings("unchecked")
    S stateOf(final int id)
    {
        return (S)states[id];
    }

    /** The states by id; shared, never to be written. */
    Object[] statesById()
    {
        return states;
    }

    int size()
    {
        return states.length;
    }

    private IllegalArgumentException unknown(final Object state)
    {
        return new IllegalArgumentException("state " + state + " is not one of this bus's states " +
            Arrays.toString(states));
    }
}
