package io.statebus;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A producer idle strategy that tells a test, without sleeping or reading {@link Thread#getState()}, that a producer
 * is blocked by back-pressure: it opens a latch the first time any producer has to wait for ring capacity, and
 * remembers which threads have waited. Then it backs off like the default. Public for the {@code proof} tests.
 */
public final class FirstIdleFixture implements IdleStrategy
{
    private final CountDownLatch waiting = new CountDownLatch(1);
    private final Set<Thread> waited = ConcurrentHashMap.newKeySet();
    private final IdleStrategy delegate = new BackoffIdleStrategy();

    @Override
    public void idle(final int workCount)
    {
        if (workCount <= 0)
        {
            waited();
        }
        delegate.idle(workCount);
    }

    @Override
    public void idle()
    {
        waited();
        delegate.idle();
    }

    @Override
    public void reset()
    {
        delegate.reset();
    }

    private void waited()
    {
        waited.add(Thread.currentThread()); // allocates only the first time a thread waits
        waiting.countDown();
    }

    /** True once a producer has waited for capacity; false if none did within the timeout. */
    public boolean awaitProducerBlocked() throws InterruptedException
    {
        return waiting.await(20, TimeUnit.SECONDS);
    }

    /**
     * Waits until {@code producer} has waited for capacity (true), or has ended without waiting (false); fails if
     * neither happens within the bounded wait.
     */
    public boolean awaitBlocked(final Thread producer)
    {
        TestAwait.until(() -> waited.contains(producer) || !producer.isAlive(),
            "'" + producer.getName() + "' waits for capacity or ends");
        return waited.contains(producer);
    }
}
