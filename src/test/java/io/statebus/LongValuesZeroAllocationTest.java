package io.statebus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 3, allocation, for a {@link LongStateBus}: {@code set}, {@code poll} and handler delivery allocate
 * nothing per transition: no boxing anywhere on the way. Measured in bytes by the JVM's per-thread allocation
 * counter over two million transitions after a warm-up long enough for the JIT, as {@link ZeroAllocationTest} does.
 * Values are far outside the {@code Long} cache, so one boxing per transition would show as 16 bytes each.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LongValuesZeroAllocationTest
{
    private static final int WARM_UP = 400_000;
    private static final int MEASURED = 2_000_000;
    private static final double MAX_BYTES_PER_TRANSITION = 0.01;
    private static final List<String> REPORT = new CopyOnWriteArrayList<>();
    private static com.sun.management.ThreadMXBean threads;

    @BeforeAll
    static void allocationCounterIsAvailable()
    {
        threads = ThreadAllocations.counter();
    }

    @AfterAll
    static void report()
    {
        System.out.println("LongValuesZeroAllocationTest: bytes allocated over " + MEASURED + " transitions each: " +
            String.join("; ", REPORT));
    }

    /** Touches every field of what it receives, allocates nothing. */
    private static final class Reading implements LongTransitionHandler
    {
        long sum;
        volatile long received;

        @Override
        public void onTransition(final LongTransition t, final boolean endOfBatch)
        {
            sum += t.sequence() + t.from() + t.to() + t.timestampNanos() + (endOfBatch ? 1 : 0);
            received++;
        }

        @Override
        public void onGap(final LongGap gap)
        {
            sum += gap.missed() + gap.firstMissed() + gap.lastMissed() + gap.resumeValue();
        }
    }

    /**
     * Sets in bursts of 100 (a value far from 0 each time), drains the BLOCK subscription and polls the GAP one
     * only 16 at a time, so it falls behind and is lapped every few bursts (gap notices on the measured path).
     */
    private static void run(final LongStateBus bus, final Reading handler, final int transitions,
        final LongSubscription block, final LongSubscription gap)
    {
        long value = bus.get();
        for (int published = 0; published < transitions; published += 100)
        {
            for (int i = 0; i < 100; i++)
            {
                bus.set(++value);
            }
            while (block.poll(handler, 64) > 0)
            {
                handler.sum++;
            }
            gap.poll(handler, 16);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProducerMode.class)
    void settingAndPollingBlockAndLappedGapSubscriptionsAllocateNothingPerTransition(final ProducerMode mode)
    {
        try (LongStateBus bus = StateBus.longBuilder(1L << 40).capacity(128).producerMode(mode).build())
        {
            final LongSubscription block = bus.subscribe(Policy.BLOCK);
            final LongSubscription gap = bus.subscribe(Policy.GAP);
            final Reading handler = new Reading();
            run(bus, handler, WARM_UP, block, gap);
            final long before = threads.getCurrentThreadAllocatedBytes();
            run(bus, handler, MEASURED, block, gap);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            REPORT.add(String.format("%s set + poll (BLOCK and a lapped GAP): %d B", mode, allocated));
            assertThat(gap.gaps()).isGreaterThan(MEASURED / 1000);
            assertThat(block.missed()).isZero();
            assertThat((double)allocated / MEASURED).isLessThan(MAX_BYTES_PER_TRANSITION);
        }
    }

    @Test
    void handlerThreadDeliveryAndItsProducerAllocateNothingPerTransition()
    {
        try (LongStateBus bus = StateBus.longBuilder(1L << 40).capacity(1024).build())
        {
            final Reading handler = new Reading();
            final LongSubscription sub = bus.subscribe(Policy.BLOCK, handler);
            final long handlerThreadId = sub.handlerThread().getId();
            long value = bus.get();
            for (int i = 0; i < WARM_UP; i++)
            {
                bus.set(++value);
            }
            TestAwait.until(() -> sub.position() == WARM_UP, "the handler thread finished the warm-up");
            final long producerBefore = threads.getCurrentThreadAllocatedBytes();
            final long handlerBefore = threads.getThreadAllocatedBytes(handlerThreadId);
            for (int i = 0; i < MEASURED; i++)
            {
                bus.set(++value);
            }
            final long producerAllocated = threads.getCurrentThreadAllocatedBytes() - producerBefore;
            TestAwait.until(() -> sub.position() == WARM_UP + MEASURED, "the handler thread caught up");
            final long handlerAllocated = threads.getThreadAllocatedBytes(handlerThreadId) - handlerBefore;
            REPORT.add(String.format("handler thread: %d B, its producer: %d B", handlerAllocated, producerAllocated));
            assertThat(handler.received).isEqualTo(WARM_UP + MEASURED);
            assertThat((double)handlerAllocated / MEASURED).isLessThan(MAX_BYTES_PER_TRANSITION);
            assertThat((double)producerAllocated / MEASURED).isLessThan(MAX_BYTES_PER_TRANSITION);
        }
    }
}
