package io.statebus;

import org.agrona.concurrent.SleepingIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks guarantees 1, 2 and 5 together: a million transitions from two producer threads on a MULTI bus, read by a
 * BLOCK subscription on a handler thread and by a deliberately slow GAP subscription polled on its own thread.
 * Busy threads stay at two: the producers spin only while holding the ring, the handler thread waits with the
 * default {@code BlockingWaitStrategy}, and the slow reader parks between small polls.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MultiProducerStressTest
{
    private static final int PER_PRODUCER = 500_000;
    private static final long TOTAL = 2L * PER_PRODUCER;

    @Test
    void twoProducersAMillionTransitionsBlockGetsAllChainedAndSlowGapAccountsForEveryOne() throws Exception
    {
        // initial state 8 is in neither producer's half, and each producer cycles its own half: every set publishes
        try (StateBus<Integer> bus = StateBus.builder(8, TestStates.integers(9)).capacity(1024)
            .producerMode(ProducerMode.MULTI).build())
        {
            final ChainCheckFixture<Integer> block = new ChainCheckFixture<>(0, 8, TOTAL, null);
            final Subscription<Integer> blockSub = bus.subscribe(Policy.BLOCK, block);
            final Subscription<Integer> gapSub = bus.subscribe(Policy.GAP);
            final ChainCheckFixture<Integer> gap = new ChainCheckFixture<>(gapSub, TOTAL, null);

            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread slowReader = new Thread(() ->
            {
                try
                {
                    // slow by design: at most 32 transitions, then a 20 µs park, so the producers lap it
                    final SleepingIdleStrategy pause = new SleepingIdleStrategy(20_000);
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
                    while (gapSub.position() < TOTAL && System.nanoTime() - deadline < 0)
                    {
                        gapSub.poll(gap, 32);
                        pause.idle();
                    }
                }
                catch (final Throwable ex)
                {
                    failure.compareAndSet(null, ex);
                }
            }, "slow-gap-reader");
            final Thread[] producers = new Thread[2];
            final long[] published = new long[2];
            for (int p = 0; p < 2; p++)
            {
                final int me = p;
                producers[p] = new Thread(() ->
                {
                    try
                    {
                        long mine = 0;
                        for (int i = 0; i < PER_PRODUCER; i++)
                        {
                            if (bus.set(4 * me + (i & 3)) != StateBus.NOT_PUBLISHED)
                            {
                                mine++;
                            }
                        }
                        published[me] = mine;
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                }, "producer-" + p);
            }
            slowReader.start();
            for (final Thread producer : producers)
            {
                producer.start();
            }
            for (final Thread producer : producers)
            {
                TestAwait.ended(producer);
            }
            assertThat(block.awaitReached(40)).as("the BLOCK handler reached the last transition").isTrue();
            TestAwait.ended(slowReader);

            assertThat(failure.get()).isNull();
            assertThat(published[0] + published[1]).isEqualTo(TOTAL);
            assertThat(bus.latestSequence()).isEqualTo(TOTAL);

            assertThat(block.verdict()).isEqualTo("clean");
            assertThat(block.delivered).isEqualTo(TOTAL);
            assertThat(block.previousTo).isEqualTo(bus.get());
            TestAwait.until(() -> blockSub.delivered() == TOTAL, "the BLOCK counters caught up");
            assertThat(blockSub.missed()).isZero();

            assertThat(gap.verdict()).isEqualTo("clean");
            assertThat(gapSub.position()).isEqualTo(TOTAL);
            assertThat(gapSub.delivered() + gapSub.missed()).isEqualTo(TOTAL);
            assertThat(gap.delivered).isEqualTo(gapSub.delivered());
            assertThat(gap.missedInNotices).isEqualTo(gapSub.missed());
            assertThat(gap.gapNotices).isEqualTo(gapSub.gaps());
            System.out.printf("MultiProducerStressTest: %d published by 2 producers, producer waits %d; " +
                "BLOCK delivered %d; slow GAP delivered %d, missed %d in %d gaps%n", TOTAL, bus.producerWaits(),
                blockSub.delivered(), gapSub.delivered(), gapSub.missed(), gapSub.gaps());
        }
    }
}
