package io.statebus.perf;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

/** Shared constants and small helpers of the perf suite. */
final class Harness
{
    /** Ring (or queue) size of every system: the same for all rows, as PERF.md asks. */
    static final int RING = 65_536;
    static final int MASK = RING - 1;
    /** Operations between two reads of the clock in a producer loop. Even, so alternating states stay in phase. */
    static final int BATCH = 1024;

    /** Boxed values reused by the queue peers, so they pay no boxing allocation (fairer to them, not to us). */
    static final Long[] POOL = new Long[2 * RING];

    static
    {
        for (int i = 0; i < POOL.length; i++)
        {
            POOL[i] = Long.valueOf(i); // distinct objects above 127; identity is not used
        }
    }

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private Harness()
    {
    }

    /** States used by every statebus row: rows alternate between two of them so that every set publishes. */
    enum St
    {
        A, B, C, D
    }

    static WaitStrategy waitStrategy(final String name)
    {
        switch (name)
        {
            case "busy-spin":
                return new BusySpinWaitStrategy();
            case "yielding":
                return new YieldingWaitStrategy();
            case "blocking":
                return new BlockingWaitStrategy();
            default:
                throw new IllegalArgumentException("unknown wait strategy " + name);
        }
    }

    /** Idle step of the hand-written consumer loops of peers that have no wait strategy of their own. */
    static void idle(final boolean spin)
    {
        if (spin)
        {
            Thread.onSpinWait();
        }
        else
        {
            Thread.yield();
        }
    }

    /**
     * Waits (yielding) until {@code progress} reaches {@code target}. Not a timing device: the 30 s guard only turns
     * a lost message or a dead consumer into a failed row instead of a hung run.
     */
    static void awaitProgress(final Sequence progress, final long target, final String what)
    {
        long last = progress.get();
        long lastChange = System.nanoTime();
        while (true)
        {
            final long now = progress.get();
            if (now >= target)
            {
                return;
            }
            if (now != last)
            {
                last = now;
                lastChange = System.nanoTime();
            }
            else if (System.nanoTime() - lastChange > 30_000_000_000L)
            {
                throw new IllegalStateException(what + " stuck at " + now + " of " + target);
            }
            Thread.yield();
        }
    }

    /** Bytes allocated so far by these threads (dead ones count as 0, so measure before stopping them). */
    static long allocatedBytes(final List<Thread> threads)
    {
        long sum = THREADS.getCurrentThreadAllocatedBytes();
        for (final Thread thread : threads)
        {
            if (thread != Thread.currentThread())
            {
                final long bytes = THREADS.getThreadAllocatedBytes(thread.getId());
                sum += Math.max(0, bytes);
            }
        }
        return sum;
    }

    /** CPU time so far of the calling thread, in nanoseconds. */
    static long callingThreadCpuNanos()
    {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** CPU time so far of these threads and the calling thread, in nanoseconds (dead threads count as 0). */
    static long cpuNanos(final List<Thread> threads)
    {
        long sum = THREADS.getCurrentThreadCpuTime();
        for (final Thread thread : threads)
        {
            if (thread != Thread.currentThread())
            {
                sum += Math.max(0, THREADS.getThreadCpuTime(thread.getId()));
            }
        }
        return sum;
    }

    static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** A deliberately slow consumer's work per message: dependent arithmetic the JIT cannot remove. */
    static long work(final long seed, final int rounds)
    {
        long x = seed | 1;
        for (int i = 0; i < rounds; i++)
        {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
        }
        return x;
    }

    /** Makes daemon threads and remembers them, so their allocation can be measured. */
    static final class TrackedThreads implements ThreadFactory
    {
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        private final String prefix;

        TrackedThreads(final String prefix)
        {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(final Runnable task)
        {
            final Thread thread = new Thread(task, prefix + "-" + threads.size());
            thread.setDaemon(true);
            threads.add(thread);
            return thread;
        }

        Thread start(final Runnable task)
        {
            final Thread thread = newThread(task);
            thread.start();
            return thread;
        }
    }
}
