package io.statebus.perf;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how long one cache line takes to move from one core to the other: two threads hand a counter back and
 * forth. On this virtual machine the figure is not fixed: it was seen at about 40 ns for a while, then at about
 * 200 ns for a while (the host placing the two virtual CPUs near or far apart), and every cross-core throughput
 * row, raw Disruptor included, slows by up to 4x with it. The runner probes it between rows, while no row runs.
 */
final class CoreHop
{
    private static final int HOPS = 40_000;
    private static final long GIVE_UP_NANOS = 300_000_000L;

    private CoreHop()
    {
    }

    /** Nanoseconds per one-way hand-off, over up to {@link #HOPS} of them (fewer if the other thread is starved). */
    static double probe() throws InterruptedException
    {
        final AtomicLong ball = new AtomicLong();
        final long giveUpAt = System.nanoTime() + GIVE_UP_NANOS;
        final Thread other = new Thread(() -> {
            for (long i = 1; i < HOPS; i += 2)
            {
                while (ball.get() != i)
                {
                    if (ball.get() < 0)
                    {
                        return;
                    }
                    Thread.onSpinWait();
                }
                ball.lazySet(i + 1); // release is enough: the other side spins on the value itself
            }
        }, "core-hop");
        other.setDaemon(true);
        other.start();
        final long start = System.nanoTime();
        long done = 0;
        for (long i = 0; i < HOPS; i += 2)
        {
            while (ball.get() != i)
            {
                Thread.onSpinWait();
                if (System.nanoTime() - giveUpAt > 0)
                {
                    ball.set(-1);
                    other.join();
                    return (System.nanoTime() - start) / (double)Math.max(1, done);
                }
            }
            ball.lazySet(i + 1);
            done = i + 1;
        }
        other.join();
        return (System.nanoTime() - start) / (double)HOPS;
    }
}
