package io.statebus.perf;

import io.statebus.perf.QueueRows.Checker;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;

import static io.statebus.perf.Harness.BATCH;
import static io.statebus.perf.Harness.MASK;
import static io.statebus.perf.Harness.POOL;
import static io.statebus.perf.Harness.RING;
import static io.statebus.perf.QueueRows.box;

/** submission-publisher: unicast, multicastN, multiproducer2 (N=1, two producers) and latency over the JDK's SubmissionPublisher. */
final class SubmissionPublisherFanout extends LatencyBench
{
    private final ExecutorService executor;
    private final SubmissionPublisher<Long> publisher;
    private final Checker[] checkers;
    private final ProducerPair producers;
    private long published;

    SubmissionPublisherFanout(final int consumers, final int producerCount, final boolean latency)
    {
        super("subpub");
        executor = Executors.newFixedThreadPool(consumers, threads);
        publisher = new SubmissionPublisher<>(executor, RING);
        checkers = new Checker[consumers];
        for (int i = 0; i < consumers; i++)
        {
            final Checker checker = new Checker(sendTimes, latency ? histogram : null);
            checkers[i] = checker;
            publisher.subscribe(new Flow.Subscriber<Long>()
            {
                @Override
                public void onSubscribe(final Flow.Subscription subscription)
                {
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(final Long item)
                {
                    checker.accept(item);
                }

                @Override
                public void onError(final Throwable throwable)
                {
                    checker.errors++;
                }

                @Override
                public void onComplete()
                {
                }
            });
        }
        producers = producerCount == 2 ? new ProducerPair(threads, (id, first, deadline) -> {
            final SubmissionPublisher<Long> publisher = this.publisher;
            final int offset = id * RING;
            long k = first; // the consumers check each producer's sequence across iterations
            do
            {
                for (int i = 0; i < BATCH; i++)
                {
                    publisher.submit(POOL[offset + (int)(k++ & MASK)]);
                }
            }
            while (System.nanoTime() < deadline);
            return k - first;
        }) : null;
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
            final SubmissionPublisher<Long> publisher = this.publisher;
            long i = published;
            do
            {
                for (int k = 0; k < BATCH; k++)
                {
                    publisher.submit(box(i++));
                }
            }
            while (System.nanoTime() < deadlineNanos);
            n = i - published;
        }
        published += n;
        for (final Checker checker : checkers)
        {
            Harness.awaitProgress(checker.progress, published, "submission-publisher subscriber");
        }
        return n;
    }

    @Override
    void send(final long count, final long intervalNanos) throws Exception
    {
        published = paced(published, count, intervalNanos);
        Harness.awaitProgress(checkers[0].progress, published, "submission-publisher subscriber");
    }

    @Override
    void sendOne(final long i)
    {
        publisher.submit(box(i));
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
        publisher.close();
        executor.shutdownNow();
    }
}
