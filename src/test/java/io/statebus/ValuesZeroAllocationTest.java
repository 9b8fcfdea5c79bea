package io.statebus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 3, allocation, for a {@link ValueStateBus}: the bus allocates nothing per transition of its own; a
 * producer that sets values it already holds (here, 64 preallocated prices, taken in turn) and its readers
 * allocate nothing at all, as {@link LongValuesZeroAllocationTest} measures with the JVM's per-thread counter over
 * two million transitions after a warm-up. A lapped {@link Policy#GAP} subscription's gap notices are on the
 * measured path.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ValuesZeroAllocationTest
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
        System.out.println("ValuesZeroAllocationTest: bytes allocated over " + MEASURED + " transitions each: " +
            String.join("; ", REPORT));
    }

    /** Touches every field of what it receives, allocates nothing. */
    private static final class Reading implements TransitionHandler<Tick>
    {
        long sum;

        @Override
        public void onTransition(final Transition<Tick> t, final boolean endOfBatch)
        {
            sum += t.sequence() + t.from().n + t.to().n + t.timestampNanos() + (endOfBatch ? 1 : 0);
        }

        @Override
        public void onGap(final Gap<Tick> gap)
        {
            sum += gap.missed() + gap.firstMissed() + gap.lastMissed() + gap.resumeState().n;
        }
    }

    private static void run(final ValueStateBus<Tick> bus, final Tick[] prices, final Reading handler,
        final int transitions, final Subscription<Tick> block, final Subscription<Tick> gap)
    {
        int next = 0;
        for (int published = 0; published < transitions; published += 100)
        {
            for (int i = 0; i < 100; i++)
            {
                next = (next + 1) & prices.length - 1; // never the current one: each set publishes
                bus.set(prices[next]);
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
    void settingHeldValuesAndPollingAllocateNothingPerTransition(final ProducerMode mode)
    {
        final Tick[] prices = new Tick[64];
        for (int i = 0; i < prices.length; i++)
        {
            prices[i] = new Tick(10_000 + i);
        }
        try (ValueStateBus<Tick> bus = StateBus.valueBuilder(prices[0]).capacity(128).producerMode(mode).build())
        {
            final Subscription<Tick> block = bus.subscribe(Policy.BLOCK);
            final Subscription<Tick> gap = bus.subscribe(Policy.GAP);
            final Reading handler = new Reading();
            run(bus, prices, handler, WARM_UP, block, gap);
            final long before = threads.getCurrentThreadAllocatedBytes();
            run(bus, prices, handler, MEASURED, block, gap);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            REPORT.add(String.format("%s set + poll (BLOCK and a lapped GAP): %d B", mode, allocated));
            assertThat(gap.gaps()).isGreaterThan(MEASURED / 1000);
            assertThat(block.missed()).isZero();
            assertThat((double)allocated / MEASURED).isLessThan(MAX_BYTES_PER_TRANSITION);
        }
    }
}
