package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.KeyedStateBus;
import org.agrona.concurrent.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.statebus.aeron.KeyedBusOverTheWireTest.PHASES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever the source does with its keys while mirrors join (explicit retirements, reopenings, final states), once
 * it is idle and its bridge's look for explicit retirements has passed, every keyed mirror holds exactly the
 * source's open keys, in their states: none the source retired, none missing.
 */
class KeyedMirrorEndsWithTheSourcesKeysTest
{
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void keysAMirrorStartedWithThenRetiredExplicitlyLeaveIt() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-seeded-retire");
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            for (long key = 1; key <= 10; key++)
            {
                source.open(key, Phase.OPEN); // before the bridge: the mirror starts from a run holding them
            }
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 36);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .snapshotInterval(Duration.ofHours(1)).build();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 36));
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, KeyedBusOverTheWireTest::keyed);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            final KeyedStateBus<Phase> local = mirrored.bus();
            assertThat(local.openKeys()).isEqualTo(10);

            source.retire(3); // its latest transition, #3, is before the run's sequence, #10
            source.set(5, Phase.HALTED); // #11
            source.retire(5); // known at #11, after the run
            Pump.until(() -> mirrored.latestSequence() == 11, Duration.ofSeconds(5), "#11 at the mirror", bridge,
                receiver);
            Pump.until(() -> !local.isOpen(5), Duration.ofSeconds(5), "key 5's retirement", bridge, receiver);
            Pump.forDuration(Duration.ofMillis(50), bridge, receiver); // several idle looks
            assertThat(local.isOpen(3)).as("key 3, retired at the source, at the mirror").isFalse();
            assertThat(local.openKeys()).isEqualTo(source.openKeys()).isEqualTo(8);
            assertThat(receiver.malformed()).isZero();
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void twoKeyedBusesOnOneStreamRetiringAndReopeningKeysWhileAMirrorJoinsLateEndEqual() throws Exception
    {
        final int steps = 20_000;
        final KeyedStateBus<Phase> one = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build();
        final KeyedStateBus<Phase> two = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build();
        try (TestDriver driver = TestDriver.start("keyed-churn"))
        {
            final List<TransitionBridge<Phase>> bridges = List.of(bridge(driver, one, 1), bridge(driver, two, 2));
            final MirrorReceiver slow = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 37));
            final List<MirroredKeyedBus<Phase>> mirrors = new ArrayList<>(List.of(
                slow.mirrorKeyed(1, PHASES, KeyedBusOverTheWireTest::keyed),
                slow.mirrorKeyed(2, PHASES, KeyedBusOverTheWireTest::keyed)));
            final int[] cycles = new int[1];
            // a slow subscriber: polled one cycle in four, so runs and retirements are back-pressured now and then
            final List<Agent> agents = new ArrayList<>(List.of(bridges.get(0), bridges.get(1),
                Pump.of("slow receiver", () -> ++cycles[0] % 4 == 0 ? slow.doWork() : 0)));
            final AtomicLong done = new AtomicLong();
            final Thread producer = new Thread(() -> churn(one, two, steps, done), "churn");
            producer.start();
            try
            {
                Pump.until(() -> done.get() >= steps / 2, Duration.ofSeconds(10), "half the steps",
                    agents.toArray(new Agent[0]));
                final MirrorReceiver late = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 37));
                mirrors.add(late.mirrorKeyed(1, PHASES, KeyedBusOverTheWireTest::keyed));
                mirrors.add(late.mirrorKeyed(2, PHASES, KeyedBusOverTheWireTest::keyed));
                agents.add(late);
                Pump.until(() -> done.get() == steps || !producer.isAlive(), Duration.ofSeconds(15), "every step",
                    agents.toArray(new Agent[0]));
                producer.join(5_000);
                assertThat(done.get()).isEqualTo(steps);
                assertEveryMirrorEndsAtItsSource(mirrors, List.of(one, two), agents.toArray(new Agent[0]));
                assertThat(slow.malformed()).isZero();
                slow.close();
                late.close();
                bridges.forEach(TransitionBridge::close);
            }
            finally
            {
                one.close(); // releases a producer the bridges no longer pump for
                two.close();
                producer.join(5_000);
            }
        }
    }

    /** Mirror {@code i} follows source {@code i % 2}: pumps until each holds its source's keys, then asserts it. */
    private static void assertEveryMirrorEndsAtItsSource(final List<MirroredKeyedBus<Phase>> mirrors,
        final List<KeyedStateBus<Phase>> sources, final Agent... agents)
    {
        final List<Map<Long, Phase>> expected = List.of(table(sources.get(0)), table(sources.get(1)));
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5); // then the assertions say how
        Pump.until(() ->
        {
            boolean all = true;
            for (int i = 0; i < mirrors.size(); i++)
            {
                all &= same(mirrors.get(i), sources.get(i % 2), expected.get(i % 2));
            }
            return all || System.nanoTime() - end > 0;
        }, Duration.ofSeconds(6), "every mirror at its source's keys", agents);
        for (int i = 0; i < mirrors.size(); i++)
        {
            final KeyedStateBus<Phase> source = sources.get(i % 2);
            assertThat(table(mirrors.get(i).bus())).as("mirror %d", i).isEqualTo(expected.get(i % 2));
            assertThat(mirrors.get(i).latestSequence()).isEqualTo(source.latestSequence());
            assertThat(mirrors.get(i).lost()).isZero();
        }
    }

    private static TransitionBridge<Phase> bridge(
        final TestDriver driver, final KeyedStateBus<Phase> bus, final int busId)
    {
        return TransitionBridge.builder(bus, PHASES, driver.aeron.addExclusivePublication(TestDriver.IPC, 37))
            .busId(busId).snapshotInterval(Duration.ofMillis(2)).build();
    }

    /** Random opens, changes, final states and explicit retirements of 64 keys, alternating between two buses. */
    private static void churn(final KeyedStateBus<Phase> one, final KeyedStateBus<Phase> two, final int steps,
        final AtomicLong done)
    {
        final SplittableRandom random = new SplittableRandom(11);
        try
        {
            for (int i = 0; i < steps; i++)
            {
                final KeyedStateBus<Phase> bus = i % 2 == 0 ? one : two;
                final long key = random.nextInt(64);
                final int r = random.nextInt(10);
                if (!bus.isOpen(key))
                {
                    bus.open(key, r < 5 ? Phase.PRE_OPEN : Phase.OPEN);
                }
                else if (r < 3)
                {
                    bus.retire(key);
                }
                else
                {
                    bus.set(key, r == 3 ? Phase.CLOSED : r < 7 ? Phase.HALTED : Phase.OPEN);
                }
                done.incrementAndGet();
            }
        }
        catch (final io.statebus.StateBusClosedException ex)
        {
            // the test ended early: its assertion says why
        }
    }

    private static Map<Long, Phase> table(final KeyedStateBus<Phase> bus)
    {
        final Map<Long, Phase> keys = new TreeMap<>();
        bus.forEachOpenKey((key, state, sequence) -> keys.put(key, state));
        return keys;
    }

    private static boolean same(final MirroredKeyedBus<Phase> mirrored, final KeyedStateBus<Phase> source,
        final Map<Long, Phase> expected)
    {
        final KeyedStateBus<Phase> local = mirrored.bus();
        return local != null && local.latestSequence() == source.latestSequence() && table(local).equals(expected);
    }
}
