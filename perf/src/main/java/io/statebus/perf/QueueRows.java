package io.statebus.perf;

import com.lmax.disruptor.Sequence;
import org.HdrHistogram.Histogram;
import org.jctools.queues.SpscArrayQueue;

import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;

import static io.statebus.perf.Harness.BATCH;
import static io.statebus.perf.Harness.MASK;
import static io.statebus.perf.Harness.POOL;
import static io.statebus.perf.Harness.RING;

/**
 * The queue peers: abq-fanout (one ArrayBlockingQueue per consumer), submission-publisher (JDK SubmissionPublisher,
 * one subscriber per consumer) and jctools-spsc. Messages are boxed longs from {@link Harness#POOL}: value
 * {@code i & MASK} (plus {@code RING} for a second producer), so the peers pay no boxing allocation.
 */
final class QueueRows
{
    private QueueRows()
    {
    }

    static Long box(final long i)
    {
        return POOL[(int)(i & MASK)];
    }

    /** A consumer's check: values arrive in order ({@code i & MASK}, one producer), or per producer (two). */
    static class Checker
    {
        final Sequence progress = new Sequence(0);
        final long[] counts = new long[2];
        final long[] sendTimes;
        final Histogram histogram;
        long received;
        long errors;

        Checker(final long[] sendTimes, final Histogram histogram)
        {
            this.sendTimes = sendTimes;
            this.histogram = histogram;
        }

        final void accept(final Long boxed)
        {
            final long v = boxed;
            if (histogram != null)
            {
                histogram.recordValue(System.nanoTime() - sendTimes[(int)(v & MASK)]);
            }
            final int producer = (int)(v >>> 16) & 1;
            if ((v & MASK) != (counts[producer] & MASK))
            {
                errors++;
            }
            counts[producer]++;
            progress.set(++received);
        }

        /** True when these consumers all saw all {@code published} values, each in order. */
        static boolean allSaw(final Checker[] checkers, final long published)
        {
            boolean ok = true;
            for (final Checker checker : checkers)
            {
                ok &= checker.errors == 0 && checker.received == published;
            }
            return ok;
        }
    }

    /**
     * The deliberately slow, lossy consumer of {@code mixed}: does {@link Harness#work} per value and counts what
     * it receives; values skip where the system dropped some, so it can only catch a repeated value.
     */
    static final class SlowChecker
    {
        final Sequence progress = new Sequence(0);
        private final int work;
        private long last = -1;
        long received;
        long errors;
        long sink;

        SlowChecker(final int work)
        {
            this.work = work;
        }

        void accept(final long v)
        {
            if (last >= 0 && ((v - last) & MASK) == 0)
            {
                errors++; // a duplicate (values are modulo the pool's size)
            }
            last = v;
            received++;
            sink += Harness.work(v, work);
            progress.set(received);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // abq-fanout
    // ---------------------------------------------------------------------------------------------------------

    /** Unicast, multicastN, multiproducer2 (N=1, two producers) and latency over ArrayBlockingQueues. */
    static final class Abq extends LatencyBench
    {
        private static final Long STOP = Long.valueOf(Long.MIN_VALUE + 7); // identity-compared poison pill
        private final ArrayBlockingQueue<Long>[] queues;
        private final Checker[] checkers;
        private final ProducerPair producers;
        private long published;

        @SuppressWarnings("unchecked")
        Abq(final int consumers, final int producerCount, final boolean latency)
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
            boolean ok = Checker.allSaw(checkers, published);
            if (producers != null)
            {
                ok &= checkers[0].counts[0] == producers.published(0) && checkers[0].counts[1] == producers.published(1);
            }
            return ok;
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

    /** mixed over ArrayBlockingQueues: put to the lossless consumer, offer (drop when full) to the slow one. */
    static final class AbqMixed extends Bench
    {
        private final ArrayBlockingQueue<Long> fastQueue = new ArrayBlockingQueue<>(RING);
        private final ArrayBlockingQueue<Long> slowQueue = new ArrayBlockingQueue<>(RING);
        private final Checker fast = new Checker(null, null);
        private final SlowChecker slow;
        private long dropped;
        private long published;

        AbqMixed(final int work)
        {
            super("abq");
            threads.start(() -> {
                try
                {
                    while (true)
                    {
                        fast.accept(fastQueue.take());
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            slow = new SlowChecker(work);
            threads.start(() -> {
                try
                {
                    while (true)
                    {
                        slow.accept(slowQueue.take());
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
        }

        @Override
        long iteration(final long deadlineNanos) throws InterruptedException
        {
            long i = published;
            long drops = 0;
            do
            {
                for (int k = 0; k < BATCH; k++)
                {
                    final Long v = box(i++);
                    fastQueue.put(v);
                    if (!slowQueue.offer(v))
                    {
                        drops++;
                    }
                }
            }
            while (System.nanoTime() < deadlineNanos);
            final long n = i - published;
            published = i;
            dropped += drops;
            Harness.awaitProgress(fast.progress, published, "abq consumer");
            doneNanos = System.nanoTime();
            Harness.awaitProgress(slow.progress, published - dropped, "abq slow consumer");
            return n;
        }

        @Override
        boolean verified()
        {
            return false; // the slow consumer drops by design; the lossless one is checked below in notes
        }

        @Override
        String notes()
        {
            return "lossless consumer errors=" + fast.errors + " received=" + fast.received + "/" + published +
                "; slow consumer (offer, drop when full): received=" + slow.received + " dropped=" + dropped +
                " order errors=" + slow.errors;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // submission-publisher
    // ---------------------------------------------------------------------------------------------------------

    static final class SubPub extends LatencyBench
    {
        private final ExecutorService executor;
        private final SubmissionPublisher<Long> publisher;
        private final Checker[] checkers;
        private final ProducerPair producers;
        private long published;

        SubPub(final int consumers, final int producerCount, final boolean latency)
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
            boolean ok = Checker.allSaw(checkers, published);
            if (producers != null)
            {
                ok &= checkers[0].counts[0] == producers.published(0) && checkers[0].counts[1] == producers.published(1);
            }
            return ok;
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

    // ---------------------------------------------------------------------------------------------------------
    // jctools-spsc
    // ---------------------------------------------------------------------------------------------------------

    static final class Spsc extends LatencyBench
    {
        private final SpscArrayQueue<Long> queue = new SpscArrayQueue<>(RING);
        private final Checker checker;
        private volatile boolean running = true;
        private long published;

        Spsc(final boolean latency)
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
}
