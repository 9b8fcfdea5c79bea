package io.statebus;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keyed bus, guarantee 3 and fixed memory: publishing, polling (with and without a key filter) and a lapped GAP
 * poll allocate nothing per transition; 10,000 entities on one keyed bus take at most a twentieth of what 10,000
 * buses take; a million open keys fit in 64 MiB with the default ring; retiring keys leaves nothing behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
final class KeyedZeroAllocationAndMemoryTest
{
    private static final int KEYS = 1_000;
    private static com.sun.management.ThreadMXBean threads;

    @BeforeAll
    static void allocationCounterIsAvailable()
    {
        threads = ThreadAllocations.counter();
    }

    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void publishingAndPollingAllocateNothingPerTransition(final ProducerMode mode)
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).capacity(256).producerMode(mode)
            .maxKeys(KEYS).build())
        {
            final KeyedSubscription<Connection> block = bus.subscribe(Policy.BLOCK);
            final KeyedSubscription<Connection> even = bus.subscribe(Policy.BLOCK, key -> (key & 1) == 0);
            final KeyedSubscription<Connection> lapped = bus.subscribe(Policy.GAP);
            final long[] sum = new long[1];
            final KeyedTransitionHandler<Connection> reading =
                (t, end) -> sum[0] += t.key() + t.sequence() + t.from().ordinal() + t.to().ordinal();
            for (int k = 0; k < KEYS; k++)
            {
                bus.open(k, Connection.DISCONNECTED);
                if ((k & 127) == 127)
                {
                    drain(block, reading); // BLOCK: this thread is the producer and the consumer
                    drain(even, reading);
                }
            }
            final long[] changes = new long[KEYS];
            run(bus, block, even, lapped, reading, changes, 300_000); // warm-up: the JIT compiles the loop
            final long before = threads.getCurrentThreadAllocatedBytes();
            final long published = run(bus, block, even, lapped, reading, changes, 1_000_000);
            final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat((double)allocated / published).as("%d bytes over %d transitions", allocated, published)
                .isLessThan(0.01);
            assertThat(lapped.gaps()).as("the GAP subscription was lapped").isPositive();
            assertThat(sum[0]).isPositive();
        }
    }

    private static long run(
        final KeyedStateBus<Connection> bus, final KeyedSubscription<Connection> block,
        final KeyedSubscription<Connection> even, final KeyedSubscription<Connection> lapped,
        final KeyedTransitionHandler<Connection> reading, final long[] changes, final int transitions)
    {
        int key = 0;
        for (int published = 0; published < transitions; published += 128)
        {
            for (int i = 0; i < 128; i++)
            {
                key = key == KEYS - 1 ? 0 : key + 1;
                bus.set(key, TestStates.cycleAt(++changes[key]));
            }
            drain(block, reading);
            drain(even, reading);
            if ((published & 1023) == 0)
            {
                drain(lapped, reading); // polled now and then: lapped in between
            }
        }
        return transitions;
    }

    private static void drain(final KeyedSubscription<Connection> sub, final KeyedTransitionHandler<Connection> h)
    {
        while (sub.poll(h, 256) > 0)
        {
            // until dry
        }
    }

    @Test
    void tenThousandEntitiesOnOneKeyedBusTakeATwentiethOfTenThousandBuses()
    {
        final long base = heapAfterGc();
        final List<StateBus<Connection>> buses = new ArrayList<>();
        for (int i = 0; i < 10_000; i++)
        {
            buses.add(StateBus.builder(Connection.DISCONNECTED).build());
        }
        final long separate = heapAfterGc() - base;
        buses.forEach(StateBus::close);
        buses.clear();
        final long base2 = heapAfterGc();
        try (KeyedStateBus<Connection> keyed = KeyedStateBus.builder(Connection.class).maxKeys(10_000).build())
        {
            for (int k = 0; k < 10_000; k++)
            {
                keyed.open(k, Connection.DISCONNECTED);
            }
            final long one = heapAfterGc() - base2;
            System.out.printf("KeyedZeroAllocationAndMemoryTest: 10,000 buses %d KiB, one keyed bus with 10,000 keys %d KiB%n",
                separate >> 10, one >> 10);
            assertThat(one).isLessThanOrEqualTo(separate / 20);
            assertThat(keyed.openKeys()).isEqualTo(10_000);
        }
    }

    @Test
    void aMillionOpenKeysFitIn64MiBAndRetiredKeysLeaveNothingBehind()
    {
        final long base = heapAfterGc();
        try (KeyedStateBus<Connection> keyed = KeyedStateBus.builder(Connection.class).maxKeys(1_000_000)
            .retireOn(Connection.CLOSED).producerMode(ProducerMode.SINGLE).build())
        {
            for (int k = 0; k < 1_000_000; k++)
            {
                keyed.open(k, Connection.DISCONNECTED);
            }
            final long full = heapAfterGc() - base;
            assertThat(full).as("a million keys").isLessThanOrEqualTo(64L << 20);
            // a day of short-lived keys: retire and open a million more, several times over
            long next = 1_000_000;
            for (int round = 0; round < 3; round++)
            {
                for (int k = 0; k < 1_000_000; k++)
                {
                    final long old = next - 1_000_000;
                    keyed.set(old, Connection.CLOSED); // retires it
                    keyed.open(next++, Connection.DISCONNECTED);
                }
            }
            final long after = heapAfterGc() - base;
            System.out.printf("KeyedZeroAllocationAndMemoryTest: a million keys %d KiB; after 3 million retired %d KiB%n",
                full >> 10, after >> 10);
            assertThat(after).isLessThanOrEqualTo(full + (1L << 20));
            assertThat(keyed.openKeys()).isEqualTo(1_000_000);
        }
    }

    /**
     * The README's figures of a keyed bus's heap, as allocated: the order book's {@code maxKeys(100_000)} takes a 4 MiB
     * table (32 bytes a key, its slots rounded up to a power of two: 2^18 slots of two longs; the README said 3.2 MB,
     * the unrounded figure), and 10,000 open keys take about 650 KiB (a 512 KiB table, a 32 KiB ring, a 96 KiB log of
     * retirements; the README said 537 KiB, less than the table and ring alone). Opening keys allocates nothing.
     */
    @Test
    void aKeyedBusTakesTheHeapTheReadmeSays()
    {
        final long before = threads.getCurrentThreadAllocatedBytes();
        try (KeyedStateBus<Connection> book = KeyedStateBus.builder(Connection.class).maxKeys(100_000).build())
        {
            final long built = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(built).as("maxKeys 100,000").isBetween(4L << 20, (4L << 20) + (512L << 10));
        }
        final long start = threads.getCurrentThreadAllocatedBytes();
        try (KeyedStateBus<Connection> keyed = KeyedStateBus.builder(Connection.class).maxKeys(10_000).build())
        {
            for (int k = 0; k < 10_000; k++)
            {
                keyed.open(k, Connection.DISCONNECTED);
            }
            final long taken = threads.getCurrentThreadAllocatedBytes() - start;
            System.out.printf("KeyedZeroAllocationAndMemoryTest: 10,000 open keys of a keyed bus allocate %d KiB%n",
                taken >> 10);
            assertThat(taken).as("10,000 open keys").isBetween(640L << 10, 704L << 10);
        }
    }

    private static long heapAfterGc()
    {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++)
        {
            System.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
