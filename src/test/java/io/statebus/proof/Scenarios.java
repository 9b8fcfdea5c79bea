package io.statebus.proof;

import io.statebus.Policy;
import kotlin.reflect.KFunction;
import kotlin.reflect.jvm.ReflectJvmMapping;
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
