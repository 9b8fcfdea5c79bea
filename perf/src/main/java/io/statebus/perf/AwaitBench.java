package io.statebus.perf;

import org.HdrHistogram.Histogram;

/** One await row: time from a producer's change to a blocked waiter's return, one round at a time. */
abstract class AwaitBench extends Bench
{
    AwaitBench(final String name)
    {
        super(name);
    }

    /** Runs {@code count} rounds: waiter blocked, producer sets the awaited state, waiter returns. */
    abstract void rounds(int count, Histogram out) throws Exception;

    /** Runs {@code count} rounds in which the awaited state lasts a single transition. */
    abstract void blips(int count) throws Exception;

    @Override
    final long iteration(final long deadlineNanos)
    {
        throw new UnsupportedOperationException("await rows run rounds()");
    }
}
