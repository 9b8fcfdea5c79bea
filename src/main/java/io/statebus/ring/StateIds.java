package io.statebus.ring;

import org.agrona.collections.Object2IntHashMap;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Maps the bus's states to small ids and back, so a ring slot stores two {@code int}s instead of two references
 * (smaller slots, and no GC write barrier on the publish path). Immutable after construction; safe to share.
 */
public final class StateIds<S>
{
    /** Largest number of distinct states: ids must fit a slot word ({@link SlotWord}). */
    public static final int MAX_STATES = SlotWord.MAX_STATES;

    private final Object[] states;
    private final Class<?> enumType;
    private final Object2IntHashMap<Object> ids;

    private StateIds(final Object[] states, final Class<?> enumType, final Object2IntHashMap<Object> ids)
    {
        this.states = states;
        this.enumType = enumType;
        this.ids = ids;
    }

    /**
     * @param type an enum class.
     * @param <E>  the enum type.
     * @return ids by ordinal.
     */
    public static <E extends Enum<E>> StateIds<E> forEnum(final Class<E> type)
    {
        final E[] constants = type.getEnumConstants();
        if (constants.length > MAX_STATES)
        {
            throw new IllegalArgumentException("at most " + MAX_STATES + " states, " + type.getName() + " has " +
                constants.length);
        }
        return new StateIds<>(constants, type, null);
    }

    /**
     * @param declared every state, no duplicates, no null.
     * @param <S>      the state type.
     * @return ids by position in {@code declared}.
     */
    public static <S> StateIds<S> forStates(final List<S> declared)
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
        return new StateIds<>(states, null, ids);
    }

    /**
     * @param state a state.
     * @return its id; a clear error for null or a state this bus does not know.
     */
    public int idOf(final S state)
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

    /**
     * @param id a state id.
     * @return the state.
     */
    @SuppressWarnings("unchecked")
    public S stateOf(final int id)
    {
        return (S)states[id];
    }

    /**
     * @return the states by id; shared, never to be written.
     */
    public Object[] statesById()
    {
        return states;
    }

    /**
     * @return how many states.
     */
    public int size()
    {
        return states.length;
    }

    private IllegalArgumentException unknown(final Object state)
    {
        return new IllegalArgumentException("state " + state + " is not one of this bus's states " +
            Arrays.toString(states));
    }
}
