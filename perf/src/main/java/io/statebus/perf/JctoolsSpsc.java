package io.statebus.perf;

import io.statebus.perf.QueueRows.Checker;
import org.jctools.queues.SpscArrayQueue;

import java.util.Queue;

import static io.statebus.perf.Harness.BATCH;
import static io.statebus.perf.Harness.RING;
import static io.statebus.perf.QueueRows.box;

/** jctools-spsc: unicast and latency over one JCTools SpscArrayQueue, the consumer spinning on poll. */
final class JctoolsSpsc extends LatencyBench
{
    private final SpscArrayQueue<Long> queue = new SpscArrayQueue<>(RING);
    private final Checker checker;
    private volatile boolean running = true;
    private long published;

    JctoolsSpsc(final boolean latency)
    {
        super("jctools");
        checker = new Checker(sendTimes, latency ? histogram : null);
        threads.start(() -> {
            final Queue<Long> q = queue;
            while (running)
            {
                final Long v = q.poll();
                if (v == null)
                {
                    Thread.onSpinWait();
                    continue;
                }
                checker.accept(v);
            }
        });
    }

    @Override
    long iteration(final long deadlineNanos)
    {
        final SpscArrayQueue<Long> queue = this.queue;
        long i = published;
        do
        {
            for (int k = 0; k < BATCH; k++)
            {
                final Long v = box(i++);
                while (!queue.offer(v))
                {
                    Thread.onSpinWait();
                }
            }
        }
        while (System.nanoTime() < deadlineNanos);
        final long n = i - published;
        published = i;
        Harness.awaitProgress(checker.progress, published, "jctools consumer");
        return n;
    }

    @Override
    void send(final long count, final long intervalNanos) throws Exception
    {
        published = paced(published, count, intervalNanos);
        Harness.awaitProgress(checker.progress, published, "jctools consumer");
    }

    @Override
    void sendOne(final long i)
    {
        final Long v = box(i);
        while (!queue.offer(v))
        {
            Thread.onSpinWait();
        }
    }

    @Override
    boolean verified()
    {
        return checker.errors == 0 && checker.received == published;
    }

    @Override
    public void close()
    {
        running = false;
    }
}
