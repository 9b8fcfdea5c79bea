package io.statebus.proof;

import io.statebus.Connection;
import io.statebus.KeyedStateBus;
import io.statebus.ProducerMode;
import io.statebus.TestStates;
import kotlin.Unit;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

/**
 * Lincheck: a keyed bus's per-key operations ({@code set}, {@code compareAndSet}, {@code get}, and {@code open} and
 * {@code retire}, so a key goes and comes back: on two keys, many producers) are linearizable against {@link Model},
 * a map of key to state (or not open) plus the global sequence, under model checking and stress. The bus has no subscription, so no operation blocks. It found that a first version's
 * {@code get(key)} (the table's entry alone, written before the ring's cursor) could run ahead of
 * {@code latestSequence()}; {@code get} now reads the entry, then the cursor.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KeyedLinearizabilityTest
{
    static final Connection[] STATES = TestStates.THREE.clone();
    static final String NOT_OPEN = "not open";
    static final String OPEN_ALREADY = "open already";

    /** The implementation: two keys, 1 and 2, opened in {@code DISCONNECTED} (sequences 1 and 2). */
    @Param(name = "k", gen = IntGen.class, conf = "1:2")
    @Param(name = "s", gen = IntGen.class, conf = "0:2")
    public static class Keyed
    {
        private final KeyedStateBus<Connection> bus;

        public Keyed()
        {
            bus = KeyedStateBus.builder(Connection.class).capacity(16).producerMode(ProducerMode.MULTI).build();
            bus.open(1, Connection.DISCONNECTED);
            bus.open(2, Connection.DISCONNECTED);
        }

        @Operation
        public String set(@Param(name = "k") final int key, @Param(name = "s") final int s)
        {
            try
            {
                return Long.toString(bus.set(key, STATES[s]));
            }
            catch (final IllegalArgumentException ex)
            {
                return NOT_OPEN;
            }
        }

        @Operation
        public String compareAndSet(
            @Param(name = "k") final int key, @Param(name = "s") final int expected, @Param(name = "s") final int next)
        {
            try
            {
                return Boolean.toString(bus.compareAndSet(key, STATES[expected], STATES[next]));
            }
            catch (final IllegalArgumentException ex)
            {
                return NOT_OPEN;
            }
        }

        @Operation
        public String get(@Param(name = "k") final int key)
        {
            try
            {
                return bus.get(key).name();
            }
            catch (final IllegalArgumentException ex)
            {
                return NOT_OPEN;
            }
        }

        @Operation
        public String open(@Param(name = "k") final int key, @Param(name = "s") final int s)
        {
            try
            {
                return Long.toString(bus.open(key, STATES[s]));
            }
            catch (final IllegalArgumentException ex)
            {
                return OPEN_ALREADY;
            }
        }

        @Operation
        public String retire(@Param(name = "k") final int key)
        {
            try
            {
                bus.retire(key);
                return "retired";
            }
            catch (final IllegalArgumentException ex)
            {
                return NOT_OPEN;
            }
        }

        @Operation
        public String latestSequence()
        {
            return Long.toString(bus.latestSequence());
        }
    }

    /** The sequential specification. */
    public static class Model
    {
        private final Connection[] state = {null, Connection.DISCONNECTED, Connection.DISCONNECTED};
        private long latest = 2;

        public String set(final int key, final int s)
        {
            if (state[key] == null)
            {
                return NOT_OPEN;
            }
            if (state[key] == STATES[s])
            {
                return Long.toString(KeyedStateBus.NOT_PUBLISHED);
            }
            state[key] = STATES[s];
            return Long.toString(++latest);
        }

        public String compareAndSet(final int key, final int expected, final int next)
        {
            if (state[key] == null)
            {
                return NOT_OPEN;
            }
            if (state[key] != STATES[expected])
            {
                return "false";
            }
            if (STATES[expected] != STATES[next])
            {
                state[key] = STATES[next];
                latest++;
            }
            return "true";
        }

        public String get(final int key)
        {
            return state[key] == null ? NOT_OPEN : state[key].name();
        }

        public String open(final int key, final int s)
        {
            if (state[key] != null)
            {
                return OPEN_ALREADY;
            }
            state[key] = STATES[s];
            return Long.toString(++latest);
        }

        public String retire(final int key)
        {
            if (state[key] == null)
            {
                return NOT_OPEN;
            }
            state[key] = null;
            return "retired";
        }

        public String latestSequence()
        {
            return Long.toString(latest);
        }
    }

    private static <O extends Options<O, ?>> O shape(final O options)
    {
        return options.threads(2).actorsPerThread(3).actorsBefore(0).actorsAfter(0)
            .minimizeFailedScenario(false).sequentialSpecification(Model.class);
    }

    @Test
    void modelChecking()
    {
        shape(new ModelCheckingOptions()).iterations(4).invocationsPerIteration(100).check(Keyed.class);
    }

    /**
     * A {@code get} racing changes in flight, every interleaving of one fixed scenario: key 2 first moved to
     * {@code STATES[2]}; then thread 1 changes key 1 and then key 2 (whose {@code from}, {@code STATES[2]}, key 1
     * never had), while thread 2 reads key 1 and the sequence. {@code get} must not run ahead of the cursor (answer a
     * change not yet published, then an older {@code latestSequence}), nor take another key's change's {@code from}
     * (the table's note of the change in flight, once a later claim replaced it). Fails with either fault put into
     * {@code KeyedPublisher.stateIdOf} (checked).
     */
    @Test
    void aGetRacingChangesInFlightIsLinearizable()
    {
        new ModelCheckingOptions()
            .iterations(0)
            .invocationsPerIteration(1000)
            .minimizeFailedScenario(false)
            .sequentialSpecification(Model.class)
            .addCustomScenario(builder ->
            {
                builder.initial(thread ->
                {
                    thread.actor(Scenarios.op(Keyed.class, "set", int.class, int.class), 2, 2);
                    return Unit.INSTANCE;
                });
                builder.parallel(parallel ->
                {
                    parallel.thread(thread ->
                    {
                        thread.actor(Scenarios.op(Keyed.class, "set", int.class, int.class), 1, 1);
                        thread.actor(Scenarios.op(Keyed.class, "set", int.class, int.class), 2, 1);
                        return Unit.INSTANCE;
                    });
                    parallel.thread(thread ->
                    {
                        thread.actor(Scenarios.op(Keyed.class, "get", int.class), 1);
                        thread.actor(Scenarios.op(Keyed.class, "latestSequence"));
                        return Unit.INSTANCE;
                    });
                    return Unit.INSTANCE;
                });
                return Unit.INSTANCE;
            })
            .check(Keyed.class);
    }

    /**
     * A {@code get} racing the re-opening of a retired key, every interleaving: until the opening is published the
     * key is not open ({@code get} must not answer its new state ahead of the cursor, then an older
     * {@code latestSequence}). Fails if {@code KeyStates} takes an unpublished opening's state (checked).
     */
    @Test
    void aGetRacingAReopeningIsLinearizable()
    {
        new ModelCheckingOptions()
            .iterations(0)
            .invocationsPerIteration(1000)
            .minimizeFailedScenario(false)
            .sequentialSpecification(Model.class)
            .addCustomScenario(builder ->
            {
                builder.initial(thread ->
                {
                    thread.actor(Scenarios.op(Keyed.class, "retire", int.class), 2);
                    return Unit.INSTANCE;
                });
                builder.parallel(parallel ->
                {
                    parallel.thread(thread ->
                    {
                        thread.actor(Scenarios.op(Keyed.class, "open", int.class, int.class), 2, 1);
                        return Unit.INSTANCE;
                    });
                    parallel.thread(thread ->
                    {
                        thread.actor(Scenarios.op(Keyed.class, "get", int.class), 2);
                        thread.actor(Scenarios.op(Keyed.class, "latestSequence"));
                        return Unit.INSTANCE;
                    });
                    return Unit.INSTANCE;
                });
                return Unit.INSTANCE;
            })
            .check(Keyed.class);
    }

    @Test
    void stress()
    {
        shape(new StressOptions()).iterations(4).invocationsPerIteration(300).check(Keyed.class);
    }
}
