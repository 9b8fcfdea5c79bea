package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An executor subscription's callbacks never overlap, whichever threads wake its delivery: two producers publishing
 * at once, and its own task going idle as they do, schedule at most one drain task between them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AnExecutorSubscriptionNeverRunsTwoCallbacksAtOnceTest
{
    private static final int PER_PRODUCER = 1_000_000;
    private static final int ROUNDS = 20;

    /** Twenty rounds: the race this guards against is narrow; each round a fresh bus and two million publishes. */
    @Test
    void twoProducersWakingOneDeliveryNeverGetTwoTasksRunning() throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try
        {
            for (int round = 0; round < ROUNDS; round++)
            {
                round(pool);
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    private static void round(final ExecutorService pool) throws Exception
    {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicLong overlaps = new AtomicLong();
        try (StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(5)).capacity(1024).build())
        {
            final Subscription<Integer> sub = bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                if (inside.getAndIncrement() != 0)
                {
                    overlaps.incrementAndGet();
                }
                inside.decrementAndGet();
            }, pool);
            final CountDownLatch start = new CountDownLatch(1);
            final Thread a = producer(bus, start, 1);
            final Thread b = producer(bus, start, 3);
            start.countDown();
            TestAwait.ended(a); // a lost or doubled wake-up leaves the BLOCK subscription behind: the producers hang
            TestAwait.ended(b);
            TestAwait.until(() -> sub.position() == bus.latestSequence(), "the subscription caught up");
            assertThat(overlaps.get()).as("callbacks that ran while another was running").isZero();
            assertThat(sub.delivered()).isEqualTo(bus.latestSequence());
        }
    }

    /** Publishes {@code PER_PRODUCER} times, each a change (a step of {@code step} from the current state). */
    private static Thread producer(final StateBus<Integer> bus, final CountDownLatch start, final int step)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                start.await();
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            for (int i = 0; i < PER_PRODUCER; i++)
            {
                bus.set((bus.get() + step) % 5);
            }
        });
        t.start();
        return t;
    }
}
