package io.statebus.proof;

import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import io.statebus.TransitionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Guarantee 3: publishing and polling allocate nothing per transition in the steady state. Measured with the
 * JVM's per-thread allocation counter on one thread that publishes and polls a BLOCK and a GAP subscription
 * (the GAP one lapped every round); a single object per transition would be at least 16 bytes each.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BoundedMemoryTest
{
    private static final S3[] STATES = S3.values();

    @Test
    void publishingAndPollingAllocateNothingPerTransition()
    {
        final java.lang.management.ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)mx;
        assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);

        try (StateBus<S3> bus = StateBus.builder(S3.A).capacity(64).noClock().build())
        {
            final Subscription<S3> block = bus.subscribe(Policy.BLOCK);
            final Subscription<S3> gap = bus.subscribe(Policy.GAP);
            final long[] sink = new long[1];
            final TransitionHandler<S3> handler = (t, end) -> sink[0] += t.sequence() + t.to().ordinal();
            final long tid = Thread.currentThread().getId();

            run(bus, block, gap, handler, 200_000); // warm up: class loading, JIT
            final long before = threads.getThreadAllocatedBytes(tid);
            final int transitions = 1_000_000;
            run(bus, block, gap, handler, transitions);
            final long allocated = threads.getThreadAllocatedBytes(tid) - before;

            System.out.printf("BoundedMemoryTest: %d bytes allocated for %d transitions (%.4f per transition)%n",
                allocated, transitions, (double)allocated / transitions);
            assertThat(block.missed()).isZero();
            assertThat(gap.missed()).isPositive();
            assertThat(allocated).describedAs("bytes allocated for %d transitions", transitions)
                .isLessThan(transitions / 16); // < 1 object per 256 transitions, whatever else the JVM does
            assertThat(sink[0]).isNotZero();
        }
    }

    private static void run(final StateBus<S3> bus, final Subscription<S3> block, final Subscription<S3> gap,
        final TransitionHandler<S3> handler, final int transitions)
    {
        for (int i = 0; i < transitions; i++)
        {
            bus.set(STATES[i % 3] == bus.get() ? STATES[(i + 1) % 3] : STATES[i % 3]);
            if ((i & 31) == 31)
            {
                block.poll(handler, 64);
            }
            if ((i & 255) == 255)
            {
                gap.poll(handler, 16); // far behind: lapped, gap notice, 16 transitions
            }
        }
        block.poll(handler, 64);
    }
}
