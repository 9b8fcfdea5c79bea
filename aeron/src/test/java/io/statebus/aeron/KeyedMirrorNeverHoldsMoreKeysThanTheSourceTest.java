package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedStateBusBuilder;
import org.agrona.concurrent.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static io.statebus.aeron.KeyedBusOverTheWireTest.PHASES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A source whose key table is full, that retires keys with {@code retire(key)} (which publishes nothing) and opens
 * others while its bridge is busy: each retirement reaches the mirror between the same two transitions as at the
 * source, so a mirror built with the source's {@code maxKeys} never runs out of room, follows every transition and
 * ends with the source's table; a bridge of that mirror's bus hands the retirements on to a mirror of the mirror.
 * (Before, a busy bridge sent them only once idle: the mirror, then the bridge's own copy, ran out of room and
 * failed.)
 */
class KeyedMirrorNeverHoldsMoreKeysThanTheSourceTest
{
    private static final int MAX_KEYS = 8;

    private static KeyedStateBusBuilder<Phase> builder(final KeyedStateBusBuilder<Phase> builder)
    {
        return builder.capacity(64).maxKeys(MAX_KEYS).retireOn(Phase.CLOSED);
    }

    private static Map<Long, Phase> table(final KeyedStateBus<Phase> bus)
    {
        final Map<Long, Phase> table = new HashMap<>();
        bus.forEachOpenKey((key, state, sequence) -> table.put(key, state));
        return table;
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFullTableChurnedByExplicitRetirementsReachesTwoMirrorsInStep() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-full-churn");
            KeyedStateBus<Phase> source = builder(KeyedStateBus.builder(Phase.class)).build())
        {
            final io.aeron.Subscription firstSub = driver.aeron.addSubscription(TestDriver.IPC, 41);
            final ExclusivePublication firstPub = driver.aeron.addExclusivePublication(TestDriver.IPC, 41);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, firstPub)
                .snapshotInterval(Duration.ofHours(1)).build();
            final MirrorReceiver receiver = new MirrorReceiver(firstSub);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES,
                KeyedMirrorNeverHoldsMoreKeysThanTheSourceTest::builder);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);

            final io.aeron.Subscription secondSub = driver.aeron.addSubscription(TestDriver.IPC, 42);
            final ExclusivePublication secondPub = driver.aeron.addExclusivePublication(TestDriver.IPC, 42);
            final TransitionBridge<Phase> onward = TransitionBridge.builder(mirrored.bus(), PHASES, secondPub)
                .snapshotInterval(Duration.ofHours(1)).build();
            final MirrorReceiver farReceiver = new MirrorReceiver(secondSub);
            final MirroredKeyedBus<Phase> far = farReceiver.mirrorKeyed(0, PHASES,
                KeyedMirrorNeverHoldsMoreKeysThanTheSourceTest::builder);
            final Agent[] all = {bridge, receiver, onward, farReceiver};
            Pump.until(() -> far.bus() != null, Duration.ofSeconds(10), "the mirror of the mirror", all);

            final long[] live = new long[MAX_KEYS];
            long nextKey = 100;
            for (int i = 0; i < MAX_KEYS; i++)
            {
                live[i] = nextKey++;
                source.open(live[i], Phase.PRE_OPEN);
            }
            final SplittableRandom random = new SplittableRandom(7);
            long explicit = 0;
            for (int step = 0; step < 5_000; step++)
            {
                final int i = random.nextInt(MAX_KEYS);
                final int what = random.nextInt(4);
                if (what == 0)
                {
                    final Phase next = source.get(live[i]) == Phase.OPEN ? Phase.HALTED : Phase.OPEN;
                    source.set(live[i], next);
                }
                else
                {
                    if (what == 1)
                    {
                        source.set(live[i], Phase.CLOSED); // retired by its final state: the transition shows it
                    }
                    else
                    {
                        source.retire(live[i]); // publishes nothing
                        explicit++;
                    }
                    live[i] = nextKey++;
                    source.open(live[i], Phase.PRE_OPEN); // at once: the table was full, and is full again
                }
                if (random.nextInt(8) == 0) // now and then, so each duty cycle finds retirements inside its batch
                {
                    for (final Agent agent : all)
                    {
                        agent.doWork();
                    }
                }
                // the bridge's BLOCK subscription would hold this thread back with the ring (64) full
                Pump.until(() -> source.latestSequence() - mirrored.latestSequence() <= 32, Duration.ofSeconds(10),
                    "the mirror within 32 of the source", all);
            }
            final long last = source.latestSequence();
            Pump.until(() -> far.latestSequence() == last && far.bus().openKeys() == MAX_KEYS &&
                mirrored.bus().openKeys() == MAX_KEYS, Duration.ofSeconds(20), "both mirrors at " + last, all);

            assertThat(explicit).isGreaterThan(2_000);
            assertThat(table(mirrored.bus())).isEqualTo(table(source)).hasSize(MAX_KEYS);
            assertThat(table(far.bus())).isEqualTo(table(source));
            assertThat(mirrored.latestSequence()).isEqualTo(last);
            assertThat(mirrored.lost()).isZero();
            assertThat(far.lost()).isZero();
            assertThat(receiver.malformed()).isZero();
            assertThat(farReceiver.malformed()).isZero();
            assertThat(bridge.droppedNotConnected()).isZero();
            onward.close();
            farReceiver.close();
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void retirementsABridgeMissedBeingTooFarBehindAreFoundInTheSourcesTable() throws Exception
    {
        final int keys = 5_000; // the log keeps 4096 retirements: more than that unread laps the bridge
        try (TestDriver driver = TestDriver.start("keyed-log-lapped");
            KeyedStateBus<Phase> source = KeyedStateBus.builder(Phase.class).maxKeys(keys).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 43);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 43);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .snapshotInterval(Duration.ofHours(1)).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, b -> b.maxKeys(keys));
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            for (long key = 0; key < keys; key++)
            {
                source.open(key, Phase.OPEN);
                if (key % 256 == 255) // the bridge's BLOCK subscription would hold this thread back with the ring full
                {
                    final long opened = key + 1;
                    Pump.until(() -> mirrored.latestSequence() == opened, Duration.ofSeconds(10), "the mirror at " +
                        opened, bridge, receiver);
                }
            }
            Pump.until(() -> mirrored.latestSequence() == keys, Duration.ofSeconds(10), "the mirror at " + keys,
                bridge, receiver);
            for (long key = 0; key < 4_200; key++)
            {
                source.retire(key); // none read by the bridge until all are made: it misses the oldest
            }
            Pump.until(() -> mirrored.bus().openKeys() == keys - 4_200, Duration.ofSeconds(20),
                "the mirror without the 4,200 retired keys", bridge, receiver);
            assertThat(table(mirrored.bus())).isEqualTo(table(source));
            assertThat(mirrored.latestSequence()).isEqualTo(keys);
            assertThat(receiver.malformed()).isZero();
            bridge.close();
            receiver.close();
        }
    }

    /**
     * A bridge that the source's log of explicit retirements lapped (200 retirements unread, the log keeps 64) while
     * the source kept its table full with new keys: 136 keys it cannot tell retired would overflow its copy (twice
     * maxKeys) beside the 64 open ones. It rebuilds the copy from the source's table instead (before: doWork threw
     * "keyed bridge: more keys than the source's maxKeys") and then repairs the mirror, which was told of none of the
     * 136, with a snapshot run flagged as a repair: the mirror ends with the source's 64 keys, nothing refused;
     * the repair's removals are retirements of the mirror's bus, so a mirror of the mirror ends so too.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aBridgeLappedWhileItsSourceChurnsAFullTableKeepsItsCopyWithinBounds() throws Exception
    {
        final int keys = 64; // the log keeps 64 retirements
        try (TestDriver driver = TestDriver.start("keyed-lapped-churn");
            KeyedStateBus<Phase> source = KeyedStateBus.builder(Phase.class).capacity(1024).maxKeys(keys).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 49);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 49);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .snapshotInterval(Duration.ofHours(1)).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, b -> b.maxKeys(4 * keys));
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            // and a bridge of the mirror's bus: the repair's removals reach its own mirror as retirements, in place
            final TransitionBridge<Phase> onward = TransitionBridge.builder(mirrored.bus(), PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 50)).snapshotInterval(Duration.ofHours(1)).build();
            final MirrorReceiver farReceiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 50));
            final MirroredKeyedBus<Phase> far = farReceiver.mirrorKeyed(0, PHASES, b -> b.maxKeys(4 * keys));
            final Agent[] all = {bridge, receiver, onward, farReceiver};
            Pump.until(() -> far.bus() != null, Duration.ofSeconds(10), "the mirror of the mirror", all);
            for (long key = 0; key < keys; key++)
            {
                source.open(key, Phase.OPEN);
            }
            for (long key = 0; key < 200; key++)
            {
                source.retire(key); // none read by the bridge until all are made: it misses the oldest 136
                source.open(keys + key, Phase.OPEN); // the table full again at once
            }
            final long last = source.latestSequence();
            Pump.until(() -> mirrored.latestSequence() == last && mirrored.bus().openKeys() == keys &&
                far.latestSequence() == last && far.bus().openKeys() == keys, Duration.ofSeconds(20),
                "both mirrors at " + last + " with the source's keys", all);
            assertThat(table(mirrored.bus())).isEqualTo(table(source));
            assertThat(table(far.bus())).isEqualTo(table(source));
            assertThat(mirrored.lost()).isZero();
            assertThat(far.lost()).isZero();
            assertThat(receiver.malformed() + farReceiver.malformed()).isZero();
            onward.close();
            farReceiver.close();
            bridge.close();
            receiver.close();
        }
    }
}
