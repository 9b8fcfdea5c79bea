package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedSubscription;
import io.statebus.KeyedTransitionHandler;
import io.statebus.LongStateBus;
import io.statebus.LongSubscription;
import io.statebus.LongTransitionHandler;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A long bus's and a keyed bus's bridge, receiver and mirror subscriber, in one duty cycle on the test thread,
 * allocate nothing per transition in the steady state (the keyed bridge's snapshot runs included).
 */
class LongAndKeyedBridgesAllocateNothingTest
{
    private static final int WARM_UP = 100_000;
    private static final int MEASURED = 200_000;
    private static final int KEYS = 100;
    private static final Phase[] CYCLE = {Phase.OPEN, Phase.HALTED};

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aLongBusOverTheWireAllocatesNothingPerTransition() throws Exception
    {
        try (TestDriver driver = TestDriver.start("alloc-long");
            LongStateBus source = StateBus.longBuilder(0).capacity(1024).producerMode(ProducerMode.SINGLE).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 81);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 81);
            final TransitionBridge<Long> bridge = TransitionBridge.builder(source, publication).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredLongBus mirrored = receiver.mirrorLong(0, b -> b.capacity(1024));
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            final LongSubscription sub = mirrored.bus().subscribe(Policy.BLOCK);
            final long[] received = {0};
            final LongTransitionHandler handler = (t, end) -> received[0] += t.to() == t.from() + 1 ? 1 : 1_000_000;
            final IntSupplier publish = () ->
            {
                source.set(source.get() + 1);
                return 1;
            };
            assertAllocatesNothing(source::latestSequence, publish, bridge, receiver,
                () -> sub.poll(handler, 256), sub::position, received);
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aKeyedBusOverTheWireAllocatesNothingPerTransition() throws Exception
    {
        try (TestDriver driver = TestDriver.start("alloc-keyed");
            KeyedStateBus<Phase> source = KeyedStateBus.builder(Phase.class).capacity(1024).maxKeys(KEYS)
                .producerMode(ProducerMode.SINGLE).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 82);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 82);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, KeyedBusOverTheWireTest.PHASES,
                publication).snapshotInterval(Duration.ofMillis(5)).build(); // runs of 100 keys, often
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, KeyedBusOverTheWireTest.PHASES,
                b -> b.capacity(1024).maxKeys(KEYS));
            for (int key = 0; key < KEYS; key++)
            {
                source.open(key, Phase.PRE_OPEN);
            }
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            final KeyedSubscription<Phase> sub = mirrored.bus().subscribe(Policy.BLOCK);
            final long[] received = {0};
            final KeyedTransitionHandler<Phase> handler =
                (t, end) -> received[0] += t.from() != t.to() ? 1 : 1_000_000; // the openings came before it joined
            final int[] next = {0};
            final IntSupplier publish = () ->
            {
                final int i = next[0]++;
                source.set(i % KEYS, CYCLE[i / KEYS % 2]);
                return 1;
            };
            assertAllocatesNothing(() -> source.latestSequence() - KEYS, publish, bridge, receiver,
                () -> sub.poll(handler, 256), () -> sub.position() - KEYS, received);
            assertThat(bridge.snapshots()).as("runs were sent while measuring").isGreaterThan(1);
            bridge.close();
            receiver.close();
        }
    }

    private static void assertAllocatesNothing(final LongSupplier published, final IntSupplier publish,
        final TransitionBridge<?> bridge, final MirrorReceiver receiver, final IntSupplier poll,
        final LongSupplier consumed, final long[] received)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        run(published, publish, bridge, receiver, poll, consumed, received, WARM_UP);
        final long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
        run(published, publish, bridge, receiver, poll, consumed, received, MEASURED);
        final long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertThat(received[0]).as("every transition, each as sent").isEqualTo(WARM_UP + MEASURED);
        // nothing per transition: a few hundred bytes of slack for the JIT's and the runtime's own
        assertThat(allocated).as("bytes allocated over %d transitions", MEASURED).isLessThan(MEASURED / 100);
    }

    private static void run(final LongSupplier published, final IntSupplier publish, final TransitionBridge<?> bridge,
        final MirrorReceiver receiver, final IntSupplier poll, final LongSupplier consumed, final long[] received,
        final int count)
    {
        final long target = received[0] + count;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
        while (received[0] < target && System.nanoTime() < deadline)
        {
            if (bridge.subscription().lag() < 512 && published.getAsLong() - consumed.getAsLong() < 512)
            {
                for (long n = Math.min(64, target - published.getAsLong()); n > 0; n--)
                {
                    publish.getAsInt();
                }
            }
            bridge.doWork();
            receiver.doWork();
            poll.getAsInt();
        }
    }
}
