package io.statebus.proof;

import io.statebus.Policy;
import kotlin.Unit;
import kotlin.reflect.KFunction;
import kotlin.reflect.jvm.ReflectJvmMapping;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Options;

import java.util.Objects;

/** What the Lincheck tests share: the shape of a scenario, and a test's operation as a fixed scenario's actor. */
final class Scenarios
{
    private Scenarios()
    {
    }

    /**
     * Two threads, no init or post part; a BLOCK scenario has at most 4 publications (never a full ring of 4), a
     * GAP one 6 (lapping a ring of 2); {@link LinearizabilityTest#ITERATIONS} scenarios; the failing scenario is
     * reported as found.
     */
    static <O extends Options<O, ?>> O shape(final O options, final Policy policy, final Class<?> spec)
    {
        return options
            .threads(2)
            .actorsPerThread(policy == Policy.BLOCK ? 2 : 3)
            .actorsBefore(0)
            .actorsAfter(0)
            .minimizeFailedScenario(false) // minimising may move a producer call into an init part, another thread
            .iterations(LinearizabilityTest.ITERATIONS)
            .sequentialSpecification(spec);
    }

    /**
     * Model-checks the fixed scenario of a {@code BLOCK} reader closed mid-read, 500 interleavings: thread 1 sets
     * {@code first} and {@code second} (a full ring of 2), closes the subscription and sets {@code third} (into the
     * first's slot); thread 2 polls twice. The test class has the operations {@code set(int)},
     * {@code closeSubscription()} and {@code poll()}.
     */
    static void checkClosedMidRead(
        final Class<?> test, final Class<?> spec, final int first, final int second, final int third)
    {
        new ModelCheckingOptions()
            .iterations(0)
            .invocationsPerIteration(500)
            .minimizeFailedScenario(false)
            .sequentialSpecification(spec)
            .addCustomScenario(builder ->
            {
                builder.parallel(parallel ->
                {
                    parallel.thread(thread ->
                    {
                        thread.actor(op(test, "set", int.class), first);
                        thread.actor(op(test, "set", int.class), second);
                        thread.actor(op(test, "closeSubscription"));
                        thread.actor(op(test, "set", int.class), third);
                        return Unit.INSTANCE;
                    });
                    parallel.thread(thread ->
                    {
                        thread.actor(op(test, "poll"));
                        thread.actor(op(test, "poll"));
                        return Unit.INSTANCE;
                    });
                    return Unit.INSTANCE;
                });
                return Unit.INSTANCE;
            })
            .check(test);
    }

    /** A test class's public operation, for a fixed scenario. */
    static KFunction<?> op(final Class<?> test, final String name, final Class<?>... params)
    {
        try
        {
            return Objects.requireNonNull(ReflectJvmMapping.getKotlinFunction(test.getMethod(name, params)), name);
        }
        catch (final NoSuchMethodException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
