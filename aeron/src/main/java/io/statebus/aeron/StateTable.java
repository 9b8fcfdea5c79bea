package io.statebus.aeron;

import io.statebus.KeyedStateBus;
import io.statebus.KeyedStateBusBuilder;
import io.statebus.StateBus;
import io.statebus.StateBusBuilder;
import org.agrona.collections.Object2IntHashMap;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * How states travel: as small ids, an enum's ordinal or the index in a list of states. The source's bridge and
 * every mirror must use the same table: the same states, named the same, in the same order. The count of states and
 * a {@link #fingerprint() fingerprint} of their names in id order travel in every message, and a mirror refuses a
 * message whose count or fingerprint differs from its own table's (see {@link MalformedReason#STATE_COUNT} and
 * {@link MalformedReason#STATE_NAMES}): it never applies an id that names another state on the source.
 *
 * <pre>{@code
 * StateTable<Session> states = StateTable.forEnum(Session.class);
 * StateTable<String> named = StateTable.of(List.of("DOWN", "UP"));
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link #idOf} and {@link #stateOf} allocate nothing.
 *
 * @param <S> the state type.
 */
public final class StateTable<S>
{
    /** The most states a table may hold (the core's limit for listed states; ids travel as 16-bit values). */
    public static final int MAX_STATES = 4096;

    private final Object[] states;
    private final Object2IntHashMap<Object> ids;
    private final Function<S, StateBusBuilder<S>> builderFactory;
    private final Supplier<KeyedStateBusBuilder<S>> keyedBuilderFactory;
    private final int fingerprint;

    private StateTable(final Object[] states, final Object2IntHashMap<Object> ids,
        final Function<S, StateBusBuilder<S>> builderFactory,
        final Supplier<KeyedStateBusBuilder<S>> keyedBuilderFactory)
    {
        this.states = states;
        this.ids = ids;
        this.builderFactory = builderFactory;
        this.keyedBuilderFactory = keyedBuilderFactory;
        this.fingerprint = fingerprintOf(states);
    }

    /** CRC-32C of each state's name in id order, each name as its UTF-8 length (4 bytes, little-endian) and bytes. */
    private static int fingerprintOf(final Object[] states)
    {
        final CRC32C crc = new CRC32C();
        for (final Object state : states)
        {
            final byte[] name = nameOf(state).getBytes(StandardCharsets.UTF_8);
            for (int shift = 0; shift < Integer.SIZE; shift += Byte.SIZE)
            {
                crc.update(name.length >>> shift); // the length first: ("AB", "C") and ("A", "BC") differ
            }
            crc.update(name);
        }
        return (int)crc.getValue();
    }

    private static String nameOf(final Object state)
    {
        return state instanceof Enum<?> constant ? constant.name() : state.toString();
    }

    /**
     * The constants of an enum, by ordinal.
     *
     * @param type the enum class.
     * @param <E>  the enum type.
     * @return a table of {@code type}'s constants.
     */
    public static <E extends Enum<E>> StateTable<E> forEnum(final Class<E> type)
    {
        final E[] constants = Objects.requireNonNull(type, "type must not be null").getEnumConstants();
        checkCount(constants.length);
        return new StateTable<>(constants, null, StateBus::builder, () -> KeyedStateBus.builder(type));
    }

    /**
     * Listed states (compared with {@code equals}), by index: the same list, in the same order, as the buses'.
     *
     * @param states every state, no null, no duplicate, at most {@link #MAX_STATES}.
     * @param <S>    the state type.
     * @return a table of {@code states}.
     */
    public static <S> StateTable<S> of(final List<S> states)
    {
        Objects.requireNonNull(states, "states must not be null");
        checkCount(states.size());
        final Object[] copy = states.toArray();
        final Object2IntHashMap<Object> ids = new Object2IntHashMap<>(-1);
        for (int i = 0; i < copy.length; i++)
        {
            Objects.requireNonNull(copy[i], "states must not hold null");
            if (ids.put(copy[i], i) != -1)
            {
                throw new IllegalArgumentException("duplicate state " + copy[i]);
            }
        }
        final List<S> listed = List.copyOf(states);
        return new StateTable<>(copy, ids, initial -> StateBus.builder(initial, listed),
            () -> KeyedStateBus.builder(listed));
    }

    private static void checkCount(final int count)
    {
        if (count < 1 || count > MAX_STATES)
        {
            throw new IllegalArgumentException("a state table holds 1 to " + MAX_STATES + " states, got " + count);
        }
    }

    /**
     * @return how many states the table holds.
     */
    public int size()
    {
        return states.length;
    }

    /**
     * A fingerprint of the states' names in id order: CRC-32C over each name (an enum constant's {@code name()}, a
     * listed state's {@code toString()}) as its UTF-8 length, 4 bytes little-endian, then its UTF-8 bytes. Every
     * message carries it; a mirror refuses messages whose fingerprint differs from its table's
     * ({@link MalformedReason#STATE_NAMES}). Two tables with the same names in the same order have the same
     * fingerprint, whatever their state types (an enum source and a mirror of its constants' names as strings);
     * listed states must therefore print the same in every process (strings, numbers, records of such do).
     *
     * @return the fingerprint, computed once when the table was made.
     */
    public int fingerprint()
    {
        return fingerprint;
    }

    /**
     * @param state a state of this table.
     * @return its id, from 0 to {@code size() - 1}.
     * @throws IllegalArgumentException if the state is not in the table.
     */
    public int idOf(final S state)
    {
        if (ids == null)
        {
            final int ordinal = ((Enum<?>)state).ordinal();
            if (states[ordinal] != state)
            {
                throw new IllegalArgumentException(state + " is not a constant of this table's enum");
            }
            return ordinal;
        }
        final int id = ids.getValue(state);
        if (id < 0)
        {
            throw new IllegalArgumentException(state + " is not one of this table's states");
        }
        return id;
    }

    /**
     * @param id an id from 0 to {@code size() - 1}.
     * @return the state with that id.
     */
    @SuppressWarnings("unchecked")
    public S stateOf(final int id)
    {
        return (S)states[id];
    }

    /**
     * @return a builder of a local keyed bus of these states, in this order: what a keyed mirror builds with; of the
     *     enum itself for an enum's table, so that the mirror's appends find a state's id by its ordinal, not in a
     *     hash map (two lookups per transition).
     */
    KeyedStateBusBuilder<S> keyedBuilder()
    {
        return keyedBuilderFactory.get();
    }

    /** A builder of a local bus of these states that starts in {@code initial}: what a mirror builds its bus with. */
    StateBusBuilder<S> builder(final S initial)
    {
        return builderFactory.apply(initial);
    }
}
