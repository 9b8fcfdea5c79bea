package io.statebus.perf;

/**
 * One throughput row: a system set up for a case, driven by {@link RowMain} for warm-up and measured iterations.
 * Consumers check what they receive as they go (compare with an expected counter, count errors, allocate nothing).
 */
abstract class Bench implements AutoCloseable
{
    final Harness.TrackedThreads threads;
    /** Set by a bench whose iteration ends (for timing) before it returns, e.g. before a slow lossy reader drains. */
    long doneNanos;

    Bench(final String name)
    {
        this.threads = new Harness.TrackedThreads(name);
    }

    /**
     * Publishes from the calling thread (or its own producer threads) until {@code deadlineNanos}, then waits
     * until every consumer has received or accounted for everything.
     *
     * @return operations published in this iteration.
     */
    abstract long iteration(long deadlineNanos) throws Exception;

    /** True only if every consumer was checked to have seen every sequence once, in order (and what else the row promises). */
    abstract boolean verified();

    /** Extra figures for the report (missed and lapped counts...). */
    String notes()
    {
        return "";
    }

    @Override
    public void close() throws Exception
    {
    }
}
