package io.statebus;

import java.util.function.BooleanSupplier;

/** Bounded waiting for a condition another thread makes true: yields, never sleeps, fails loudly on timeout. */
final class TestWaits
{
    private TestWaits()
    {
    }

    static void waitUntil(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.yield();
        }
    }
}
