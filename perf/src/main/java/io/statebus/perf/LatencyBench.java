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
     */
    abstract void send(long count, long intervalNanos) throws Exception;

    /** Latency-only benches have no throughput iteration; the queue peers that serve both override this. */
    @Override
    long iteration(final long deadlineNanos) throws Exception
    {
        throw new UnsupportedOperationException("latency rows run send()");
    }
}
