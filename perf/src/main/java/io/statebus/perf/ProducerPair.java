package io.statebus.perf;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/** Two persistent producer threads for multiproducer2, started and joined per iteration by barriers. */
final class ProducerPair implements AutoCloseable
{
    /**
     * One producer's loop: publishes until the deadline, returns how many it published. {@code first} is how many
     * this producer published in earlier iterations, so a loop that numbers its messages carries on from there.
     */
    interface Loop
    {
        long run(int id, long first, long deadlineNanos) throws Exception;
    }

    private final CyclicBarrier start = new CyclicBarrier(3);
    private final CyclicBarrier end = new CyclicBarrier(3);
    private final long[] published = new long[2];
    private final long[] last = new long[2];
    private volatile long deadline;
    private volatile boolean stop;
    private volatile Throwable failure;
    private final Thread[] threads = new Thread[2];

    ProducerPair(final Harness.TrackedThreads factory, final Loop loop)
    {
        for (int i = 0; i < 2; i++)
        {
            final int id = i;
            threads[i] = factory.start(() -> {
                try
                {
                    while (true)
                    {
                        start.await();
                        if (stop)
                        {
                            return;
                        }
                        last[id] = loop.run(id, published[id], deadline);
                        published[id] += last[id];
                        end.await();
                    }
                }
                catch (final InterruptedException | BrokenBarrierException ex)
                {
                    return;
                }
                catch (final Throwable ex)
                {
                    failure = ex;
                    start.reset();
                    end.reset();
                }
            });
        }
    }

    /** Runs both producers until the deadline; the barriers give the happens-before for the counts. */
    long run(final long deadlineNanos) throws Exception
    {
        deadline = deadlineNanos;
        start.await();
        end.await();
        if (failure != null)
        {
            throw new IllegalStateException("producer failed", failure);
        }
        return last[0] + last[1];
    }

    long published(final int id)
    {
        return published[id];
    }

    @Override
    public void close() throws Exception
    {
        stop = true;
        for (final Thread thread : threads)
        {
            thread.interrupt();
        }
    }
}
