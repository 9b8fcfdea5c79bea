package io.statebus;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.function.BooleanSupplier;

/**
 * The tests' one helper for bounded waiting on a condition another thread makes true, with backoff (spin, yield,
 * then park up to 1 ms) so a waiting test thread does not hold a core on a 2-core machine. Fails loudly after 20 s
 * (hang detection, never a statement about speed); never a substitute for a latch where one fits. Public for the
 * {@code proof} tests.
 */
public final class TestAwait
{
    private static final long TIMEOUT_NANOS = 20_000_000_000L;

    private TestAwait()
    {
    }

    public static void until(final BooleanSupplier condition, final String what)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 1_000_000);
        final long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out waiting until " + what);
            }
            idle.idle();
        }
    }

    /**
     * Polls until a poll finds nothing, on a bus nobody is publishing to; fails rather than loop if polls keep
     * finding work (a subscription that does not advance).
     */
    public static <S> void drain(final Subscription<S> subscription, final TransitionHandler<S> handler)
    {
        for (int polls = 0; polls < 1_000_000; polls++)
        {
            if (subscription.poll(handler, 256) == 0)
            {
                return;
            }
        }
        throw new AssertionError("a million polls and still not drained: " + subscription);
    }

    /** Joins a thread, failing if it has not ended within the bounded wait. */
    public static void ended(final Thread thread) throws InterruptedException
    {
        thread.join(TIMEOUT_NANOS / 1_000_000);
        if (thread.isAlive())
        {
            throw new AssertionError("thread '" + thread.getName() + "' did not end: " +
                java.util.Arrays.toString(thread.getStackTrace()));
        }
    }

    /**
     * Runs {@code call} on a new thread named {@code name} and waits for it to end (usable inside a handler: an
     * interrupt of the waiting thread is an {@link AssertionError}).
     *
     * @return what {@code call} threw, or null.
     */
    public static Throwable thrownOnThread(final String name, final Runnable call)
    {
        final Throwable[] thrown = new Throwable[1];
        final Thread thread = new Thread(() ->
        {
            try
            {
                call.run();
            }
            catch (final Throwable ex)
            {
                thrown[0] = ex;
            }
        }, name);
        thread.start();
        try
        {
            ended(thread);
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
        return thrown[0]; // join: the thread's writes are visible
    }
}
