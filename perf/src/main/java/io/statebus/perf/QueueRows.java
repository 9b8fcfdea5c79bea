package io.statebus.perf;

import com.lmax.disruptor.Sequence;
import org.HdrHistogram.Histogram;

import static io.statebus.perf.Harness.MASK;
import static io.statebus.perf.Harness.POOL;

/**
 * What the queue peers share: their message, a boxed long from {@link Harness#POOL} (value {@code i & MASK}, plus
 * {@code RING} for a second producer, so the peers pay no boxing allocation), and their consumers' checks. The peers
 * are {@link AbqFanout}, {@link AbqMixed} (abq-fanout: one ArrayBlockingQueue per consumer),
 * {@link SubmissionPublisherFanout} (JDK SubmissionPublisher, one subscriber per consumer), {@link JctoolsSpsc};
 * the reactive peers ({@link ReactiveRows}) reuse these checks.
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

        /** True when, with two producers, this consumer saw exactly what each published; always with one. */
        final boolean sawEachOf(final ProducerPair producers)
        {
            return producers == null ||
                counts[0] == producers.published(0) && counts[1] == producers.published(1);
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
}
