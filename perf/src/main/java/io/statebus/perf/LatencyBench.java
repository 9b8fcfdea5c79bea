package io.statebus.perf;

import org.HdrHistogram.Histogram;

/**
 * One latency row: the calling thread publishes {@code count} messages at a fixed rate, stamping the send time
 * into {@link #sendTimes} (indexed by sequence, written before the publish, so every system carries the same
 * one-long message); the consumer records {@code now - sendTime} into its histogram.
 */
abstract class LatencyBench extends Bench
{
    final long[] sendTimes = new long[Harness.RING];
    final Histogram histogram = new Histogram(10_000_000_000L, 3);

    LatencyBench(final String name)
    {
        super(name);
    }

    /** Waits until the next send slot, spinning (the producer is one of the two busy threads). */
    static long pace(final long sendAt)
    {
        long now;
        while ((now = System.nanoTime()) < sendAt)
        {
            Thread.onSpinWait();
        }
        return now;
    }

    /**
     * Sends {@code count} messages, one every {@code intervalNanos}, and waits until all arrived; the consumer
     * recorded each one into {@link #histogram} (reset by the caller between iterations, while it is idle).
     * Rows do it with {@link #paced}, then wait for their consumer.
     */
    abstract void send(long count, long intervalNanos) throws Exception;

    /** Publishes message number {@code i} (one long's worth), the way this row's producer publishes. */
    abstract void sendOne(long i) throws Exception;

    /**
     * Sends messages {@code first .. first + count - 1} at the fixed rate, each send time stamped into
     * {@link #sendTimes} just before its publish; returns {@code first + count}.
     */
    final long paced(final long first, final long count, final long intervalNanos) throws Exception
    {
        final long[] sent = sendTimes;
        long sendAt = System.nanoTime();
        final long end = first + count;
        for (long i = first; i < end; i++)
        {
            sendAt += intervalNanos;
            pace(sendAt);
            sent[(int)(i & Harness.MASK)] = System.nanoTime();
            sendOne(i);
        }
        return end;
    }

    /** Latency-only benches have no throughput iteration; the queue peers that serve both override this. */
    @Override
    long iteration(final long deadlineNanos) throws Exception
    {
        throw new UnsupportedOperationException("latency rows run send()");
    }
}
