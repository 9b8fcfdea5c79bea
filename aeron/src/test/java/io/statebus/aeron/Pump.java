package io.statebus.aeron;

import io.aeron.Publication;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Runs agents' duty cycles on the test thread until a condition holds; bounded in time, backing off when idle. */
final class Pump
{
    private Pump()
    {
    }

    /** Bounded: fails with {@code what} after {@code timeout}. */
    static void until(final BooleanSupplier done, final Duration timeout, final String what, final Agent... agents)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 200_000);
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
            }
            int work = 0;
            for (final Agent agent : agents)
            {
                try
                {
                    work += agent.doWork();
                }
                catch (final Exception ex)
                {
                    throw new AssertionError(agent.roleName() + " failed while waiting for: " + what, ex);
                }
            }
            idle.idle(work);
        }
    }

    /**
     * Offers {@code length} bytes of {@code buffer} (a message a test wrote by hand) until the publication takes
     * them; bounded: fails after 5 s.
     */
    static void inject(final Publication publication, final DirectBuffer buffer, final int length)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (publication.offer(buffer, 0, length) < 0)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("could not inject a message");
            }
            Thread.onSpinWait();
        }
    }

    /** A step of a pumped duty cycle. */
    static Agent of(final String name, final java.util.function.IntSupplier work)
    {
        return new Agent()
        {
            @Override
            public int doWork()
            {
                return work.getAsInt();
            }

            @Override
            public String roleName()
            {
                return name;
            }
        };
    }

    /** Runs the duty cycles until the StateBus counter whose label contains {@code label} reads {@code expected}. */
    static void untilCounter(final StatebusStat stat, final String label, final long expected, final Agent... agents)
    {
        until(() -> Long.valueOf(expected).equals(stat.value(label)), Duration.ofSeconds(10),
            "counter '" + label + "' = " + expected + " (now " + stat.value(label) + ")", agents);
    }

    /** Runs the duty cycles for a while whatever happens (to let time-based things such as snapshots happen). */
    static void forDuration(final Duration duration, final Agent... agents)
    {
        final long end = System.nanoTime() + duration.toNanos();
        until(() -> System.nanoTime() - end > 0, duration.plusSeconds(5), "time to pass", agents);
    }
}
