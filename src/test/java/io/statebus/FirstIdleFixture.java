package io.statebus;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A producer idle strategy that opens a latch the first time a producer has to wait for ring capacity, so a test
 * knows, without sleeping, that a producer is blocked by back-pressure. Then it backs off like the default.
 */
final class FirstIdleFixture implements IdleStrategy
{
    private final CountDownLatch waiting = new CountDownLatch(1);
    private final IdleStrategy delegate = new BackoffIdleStrategy();

    @Override
    public void idle(final int workCount)
    {
        if (workCount <= 0)
        {
            waiting.countDown();
        }
        delegate.idle(workCount);
    }

    @Override
    public void idle()
    {
        waiting.countDown();
        delegate.idle();
    }

    @Override
    public void reset()
    {
        delegate.reset();
    }

    /** True once a producer has waited for capacity; false if none did within the timeout. */
    boolean awaitProducerBlocked() throws InterruptedException
    {
        return waiting.await(20, TimeUnit.SECONDS);
    }
}
