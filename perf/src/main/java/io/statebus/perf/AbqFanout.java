package io.statebus.perf;

import io.statebus.perf.QueueRows.Checker;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import static io.statebus.perf.Harness.BATCH;
import static io.statebus.perf.Harness.MASK;
import static io.statebus.perf.Harness.POOL;
import static io.statebus.perf.Harness.RING;
import static io.statebus.perf.QueueRows.box;

/** abq-fanout: unicast, multicastN, multiproducer2 (N=1, two producers) and latency, one ArrayBlockingQueue per consumer. */
final class AbqFanout extends LatencyBench
{
    private static final Long STOP = Long.valueOf(Long.MIN_VALUE + 7); // identity-compared poison pill
    private final ArrayBlockingQueue<Long>[] queues;
    private final Checker[] checkers;
    private final ProducerPair producers;
    private long published;

    @SuppressWarnings("unchecked")
    AbqFanout(final int consumers, final int producerCount, final boolean latency)
    {
        super("abq");
        queues = new ArrayBlockingQueue[consumers];
        checkers = new Checker[consumers];
        for (int i = 0; i < consumers; i++)
        {
            final ArrayBlockingQueue<Long> queue = new ArrayBlockingQueue<>(RING);
            final Checker checker = new Checker(sendTimes, latency ? histogram : null);
            queues[i] = queue;
            checkers[i] = checker;
            threads.start(() -> consume(queue, checker));
        }
        producers = producerCount == 2 ? new ProducerPair(threads, (id, first, deadline) -> {
            final BlockingQueue<Long> queue = queues[0];
            final int offset = id * RING;
            long k = first; // the consumers check each producer's sequence across iterations
            do
            {
                for (int i = 0; i < BATCH; i++)
                {
                    queue.put(POOL[offset + (int)(k++ & MASK)]);
                }
            }
            while (System.nanoTime() < deadline);
            return k - first;
        }) : null;
    }

    private static void consume(final BlockingQueue<Long> queue, final Checker checker)
    {
        try
        {
            while (true)
            {
                final Long v = queue.take();
                if (v == STOP)
                {
                    return;
                }
                checker.accept(v);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    long iteration(final long deadlineNanos) throws Exception
    {
        final long n;
        if (producers != null)
        {
            n = producers.run(deadlineNanos);
        }
        else
        {
            final ArrayBlockingQueue<Long>[] queues = this.queues;
            long i = published;
            do
            {
                for (int k = 0; k < BATCH; k++)
                {
                    final Long v = box(i++);
                    for (final ArrayBlockingQueue<Long> queue : queues)
                    {
                        queue.put(v);
                    }
                }
            }
            while (System.nanoTime() < deadlineNanos);
            n = i - published;
        }
        published += n;
        for (final Checker checker : checkers)
        {
            Harness.awaitProgress(checker.progress, published, "abq consumer");
        }
        return n;
    }

    @Override
    void send(final long count, final long intervalNanos) throws Exception
    {
        published = paced(published, count, intervalNanos);
        Harness.awaitProgress(checkers[0].progress, published, "abq consumer");
    }

    @Override
    void sendOne(final long i) throws InterruptedException
    {
        queues[0].put(box(i));
    }

    @Override
    boolean verified()
    {
        return Checker.allSaw(checkers, published) && checkers[0].sawEachOf(producers);
    }

    @Override
    public void close() throws Exception
    {
        if (producers != null)
        {
            producers.close();
        }
        for (final ArrayBlockingQueue<Long> queue : queues)
        {
            queue.offer(STOP);
        }
    }
}
