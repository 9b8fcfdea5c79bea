package io.statebus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.statebus.TestStates.CYCLE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 3, allocation: publishing, polling and handler delivery allocate nothing per transition in the steady
 * state. Measured in bytes, by the JVM's per-thread allocation counter, over two million transitions after a warm-up
 * long enough for the JIT to compile the loop. Only what the measured thread allocates counts; time is not measured.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ZeroAllocationTest
{
    private static final int WARM_UP = 400_000;
    private static final int MEASURED = 2_000_000;
    private static final double MAX_BYTES_PER_TRANSITION = 0.01;

    private static com.sun.management.ThreadMXBean threads;
    /** What each case allocated over its measured transitions, printed as this class's one line. */
    private static final List<String> REPORT = new CopyOnWriteArrayList<>();

    @AfterAll
    static void report()
    {
        System.out.println("ZeroAllocationTest: bytes allocated over " + MEASURED + " transitions each: " +
            String.join("; ", REPORT));
    }

    @BeforeAll
    static void allocationCounterIsAvailable()
    {
        threads = ThreadAllocations.counter();
    }

    /** Touches every field of what it receives, allocates nothing. */
    private static final class Reading implements TransitionHandler<Connection>
    {
        long sum;
        long received;

        @Override
        public void onTransition(final Transition<Connection> t, final boolean endOfBatch)
        {
            sum += t.sequence() + t.from().ordinal() + t.to().ordinal() + t.timestampNanos() + (endOfBatch ? 1 : 0);
            received++;
        }

        @Override
        public void onGap(final Gap<Connection> gap)
        {
            sum += gap.missed() + gap.firstMissed() + gap.lastMissed() + gap.resumeState().ordinal();
        }
    }

    /** Publishes in bursts and polls every subscription dry after each burst; returns transitions published. */
    private static long run(
        final StateBus<Connection> bus, final Subscription<Connection>[] subs, final Reading handler,
        final int transitions, final int burst)
    {
        long published = 0;
        int next = (int)(bus.latestSequence() % CYCLE.length);
        while (published < transitions)
        {
            for (int i = 0; i < burst; i++)
            {
                bus.set(CYCLE[next]);
                next = next == CYCLE.length - 1 ? 0 : next + 1;
            }
            published += burst;
            for (final Subscription<Connection> sub : subs)
            {
                TestAwait.drain(sub, handler);
            }
        }
        return published;
    }

    @SafeVarargs
    private static double bytesPerTransition(
        final StateBus<Connection> bus, final int burst, final Subscription<Connection>... subs)
    {
        final Reading handler = new Reading();
        run(bus, subs, handler, WARM_UP, burst);
        final long before = threads.getCurrentThreadAllocatedBytes();
        final long published = run(bus, subs, handler, MEASURED, burst);
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(handler.received).isPositive();
        REPORT.add(String.format("%s %s, bursts of %d: %d B", bus.producerMode(), subs.length == 1 ? "1 subscription"
            : subs.length + " subscriptions", burst, allocated));
        return (double)allocated / published;
    }

    @Test
    void publishingAndPollingABlockSubscriptionAllocateNothingPerTransition()
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(1024).build())
        {
            final Subscription<Connection> block = bus.subscribe(Policy.BLOCK);
            assertThat(bytesPerTransition(bus, 64, block)).isLessThan(MAX_BYTES_PER_TRANSITION);
        }
    }

    @Test
    void publishingAndPollingAGapSubscriptionAllocateNothingPerTransitionEvenWhenLappedEveryBurst()
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(64).build())
        {
            final Subscription<Connection> keepingUp = bus.subscribe(Policy.GAP);
            final Subscription<Connection> lapped = bus.subscribe(Policy.GAP);
            // bursts of 200 on a ring of 64: every burst laps both, so gap notices are on the measured path too
            assertThat(bytesPerTransition(bus, 200, keepingUp, lapped)).isLessThan(MAX_BYTES_PER_TRANSITION);
            assertThat(lapped.gaps()).isGreaterThan((WARM_UP + MEASURED) / 200 - 1);
        }
    }

    @Test
    void publishingOnAMultiProducerBusAndPollingAllocateNothingPerTransition()
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(256)
            .producerMode(ProducerMode.MULTI).build())
        {
            final Subscription<Connection> block = bus.subscribe(Policy.BLOCK);
            final Subscription<Connection> gap = bus.subscribe(Policy.GAP);
            assertThat(bytesPerTransition(bus, 100, block, gap)).isLessThan(MAX_BYTES_PER_TRANSITION);
        }
    }

    /**
     * One thread publishes on a bus without a clock and polls as a hot loop would, never to the end: a BLOCK
     * subscription 64 at a time every 32 publishes, a GAP subscription 16 at a time every 256 publishes (so it is
     * lapped, and gets a gap notice, on every poll).
     */
    @Test
    void pollsThatStopAtTheirLimitAllocateNothingPerTransitionOnABusWithoutAClock()
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(64).noClock().build())
        {
            final Subscription<Connection> block = bus.subscribe(Policy.BLOCK);
            final Subscription<Connection> gap = bus.subscribe(Policy.GAP);
            final Reading handler = new Reading();
            publishAndPollByLimit(bus, block, gap, handler, WARM_UP);
            final long before = threads.getCurrentThreadAllocatedBytes();
            publishAndPollByLimit(bus, block, gap, handler, MEASURED);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            REPORT.add(String.format("polls stopped by their limit, no clock: %d B", allocated));
            assertThat(block.missed()).isZero();
            assertThat(block.delivered()).isEqualTo(WARM_UP + MEASURED);
            assertThat(gap.missed()).isPositive();
            assertThat(gap.gaps()).isGreaterThanOrEqualTo((WARM_UP + MEASURED) / 256 - 1);
            assertThat(handler.received).isPositive();
            assertThat((double)allocated / MEASURED).isLessThan(MAX_BYTES_PER_TRANSITION);
        }
    }

    private static void publishAndPollByLimit(final StateBus<Connection> bus, final Subscription<Connection> block,
        final Subscription<Connection> gap, final Reading handler, final int transitions)
    {
        int next = (int)(bus.latestSequence() % CYCLE.length);
        for (int i = 0; i < transitions; i++)
        {
            bus.set(CYCLE[next]);
            next = next == CYCLE.length - 1 ? 0 : next + 1;
            if ((i & 31) == 31)
            {
                block.poll(handler, 64);
            }
            if ((i & 255) == 255)
            {
                gap.poll(handler, 16);
            }
        }
        block.poll(handler, 64);
    }

    @Test
    void handlerThreadDeliveryAllocatesNothingPerTransition()
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(1024).build())
        {
            final Reading handler = new Reading();
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK, handler);
            final long handlerThreadId = sub.handlerThread().getId();
            int next = 0;
            for (int i = 0; i < WARM_UP; i++)
            {
                bus.set(CYCLE[next]);
                next = next == CYCLE.length - 1 ? 0 : next + 1;
            }
            TestAwait.until(() -> sub.position() == WARM_UP, "the handler thread finished the warm-up");
            final long producerBefore = threads.getCurrentThreadAllocatedBytes();
            final long handlerBefore = threads.getThreadAllocatedBytes(handlerThreadId);
            for (int i = 0; i < MEASURED; i++)
            {
                bus.set(CYCLE[next]);
                next = next == CYCLE.length - 1 ? 0 : next + 1;
            }
            final long producerAllocated = threads.getCurrentThreadAllocatedBytes() - producerBefore;
            TestAwait.until(() -> sub.position() == WARM_UP + MEASURED, "the handler thread caught up");
            final long handlerAllocated = threads.getThreadAllocatedBytes(handlerThreadId) - handlerBefore;
            REPORT.add(String.format("handler thread: %d B, its producer: %d B", handlerAllocated, producerAllocated));
            assertThat((double)handlerAllocated / MEASURED).isLessThan(MAX_BYTES_PER_TRANSITION);
            assertThat((double)producerAllocated / MEASURED).isLessThan(MAX_BYTES_PER_TRANSITION);
        }
    }
}
