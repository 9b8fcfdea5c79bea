package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.ref.Reference;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.statebus.TestStates.CYCLE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 3, memory: what a bus holds is O(capacity + subscriptions) whatever the number of transitions or the
 * speed of its consumers. Live heap after GC is compared after 200 thousand and after 2 million transitions published
 * past stalled {@link Policy#GAP} subscriptions; keeping even 8 bytes per transition would add 14 MiB.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BoundedMemoryTest
{
    /** Fixed slack for GC and JVM noise; independent of the number of transitions. */
    private static final long SLACK_BYTES = 3L * 1024 * 1024;
    private static final int CAPACITY = 1024;

    @Test
    void liveHeapDoesNotGrowWithTransitionsPublishedPastStalledGapSubscriptions() throws Exception
    {
        final CountDownLatch unstick = new CountDownLatch(1);
        final StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY).build();
        try
        {
            final Subscription<Connection> neverPolled = bus.subscribe(Policy.GAP);
            final Subscription<Connection> stuckHandler = bus.subscribe(Policy.GAP, (t, end) ->
            {
                try
                {
                    unstick.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            final Subscription<Connection> keepingUp = bus.subscribe(Policy.BLOCK);
            final TransitionHandler<Connection> ignore = (t, end) -> { };

            publish(bus, keepingUp, ignore, 200_000);
            final long after200k = liveHeapBytes();
            publish(bus, keepingUp, ignore, 1_800_000);
            final long after2m = liveHeapBytes();

            System.out.printf("BoundedMemoryTest: live heap after 200k transitions: %d bytes, " +
                "after 2M: %d bytes (%+d)%n",
                after200k, after2m, after2m - after200k);
            assertThat(after2m - after200k).as("heap growth from 1.8M more transitions").isLessThan(SLACK_BYTES);

            // and the stalled subscriptions were told exactly what they missed
            final ChainCheckFixture<Connection> check =
                new ChainCheckFixture<>(neverPolled, Long.MAX_VALUE, TestStates::cycleAt);
            TestAwait.drain(neverPolled, check);
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(neverPolled.gaps()).isEqualTo(1);
            assertThat(neverPolled.delivered()).isEqualTo(CAPACITY);
            assertThat(neverPolled.missed()).isEqualTo(2_000_000 - CAPACITY);
            unstick.countDown();
            TestAwait.until(() -> stuckHandler.position() == 2_000_000, "the unstuck handler caught up");
            assertThat(stuckHandler.delivered() + stuckHandler.missed()).isEqualTo(2_000_000);
        }
        finally
        {
            unstick.countDown();
            bus.close();
            Reference.reachabilityFence(bus);
        }
    }

    private static void publish(
        final StateBus<Connection> bus,
        final Subscription<Connection> keepingUp,
        final TransitionHandler<Connection> handler,
        final int count)
    {
        for (int i = 0; i < count; i++)
        {
            bus.set(CYCLE[(int)(bus.latestSequence() % CYCLE.length)]);
            if ((i & 511) == 0)
            {
                TestAwait.drain(keepingUp, handler);
            }
        }
    }

    /** The smallest of a few readings of used heap, each right after a full collection. */
    private static long liveHeapBytes()
    {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++)
        {
            System.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
