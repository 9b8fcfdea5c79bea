package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.KeyedStateBus;
import io.statebus.Policy;
import io.statebus.StateBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static io.statebus.aeron.KeyedBusOverTheWireTest.PHASES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A keyed snapshot run holds the source's open keys at its sequence: none the source retired explicitly before it,
 * even when back-pressure interrupts the retirements sent before it or the run itself; and after a {@code GAP}
 * bridge is lapped in the middle of a run, the runs that follow (from its copy seeded again) are exact.
 */
class KeyedSnapshotRunIsExactTest
{
    /** A receiver whose listener reads its mirror's keys the moment it starts, before any later message. */
    private static final class StartWatch
    {
        final List<MirroredKeyedBus<Phase>> holder = new ArrayList<>();
        final Map<Long, Phase> atStart = new TreeMap<>();

        MirrorReceiver receiver(final io.aeron.Subscription subscription)
        {
            return new MirrorReceiver(subscription, null, new MirrorListener()
            {
                @Override
                public void onStarted(final int busId, final long session, final StateBus<?> bus, final long seq)
                {
                    atStart.putAll(table(holder.get(0).bus()));
                }
            }, 256);
        }
    }

    private static Map<Long, Phase> table(final KeyedStateBus<Phase> bus)
    {
        final Map<Long, Phase> keys = new TreeMap<>();
        bus.forEachOpenKey((key, state, sequence) -> keys.put(key, state));
        return keys;
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aRunHoldsNoKeyRetiredBeforeItWhenBackPressureStopsTheRetirementsBeforeIt() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-run-bp");
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            for (long key = 1; key <= 1_500; key++)
            {
                source.open(key, Phase.OPEN);
            }
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 38);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .snapshotInterval(Duration.ofHours(1)).build();
            for (long key = 1; key <= 1_000; key++)
            {
                source.retire(key); // 1,000 retirements wait for a mirror: more than the publication's window
            }
            for (int i = 0; i < 100; i++)
            {
                bridge.doWork();
            }
            final StartWatch watch = new StartWatch();
            final MirrorReceiver receiver = watch.receiver(driver.aeron.addSubscription(TestDriver.IPC, 38));
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, KeyedBusOverTheWireTest::keyed);
            watch.holder.add(mirrored);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "a whole run", bridge, receiver);
            assertThat(watch.atStart).as("the keys of the run the mirror started from").hasSize(500)
                .isEqualTo(table(source));
            Pump.until(() -> mirrored.bus().openKeys() == 500, Duration.ofSeconds(5), "500 keys", bridge, receiver);
            assertThat(table(mirrored.bus())).isEqualTo(table(source));
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aRunOfMoreKeysThanAPageHoldsTravelsInFullPagesAndArrivesWhole() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-run-pages");
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            for (long key = 1; key <= 1_000; key++)
            {
                source.open(key * 7, Phase.values()[(int)(key % 3)]);
            }
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 40);
            final io.aeron.Subscription spy = driver.aeron.addSubscription(TestDriver.IPC, 40);
            final io.aeron.Subscription toMirror = driver.aeron.addSubscription(TestDriver.IPC, 40);
            Pump.until(() -> spy.isConnected() && toMirror.isConnected(), Duration.ofSeconds(10), "both connected");
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .snapshotInterval(Duration.ofHours(1)).build();
            final MirrorReceiver receiver = new MirrorReceiver(toMirror);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, KeyedBusOverTheWireTest::keyed);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "a whole run", bridge, receiver);
            assertThat(table(mirrored.bus())).hasSize(1_000).isEqualTo(table(source));

            final List<long[]> pages = new ArrayList<>(); // each page's first index and count
            final io.aeron.logbuffer.FragmentHandler pageSeen = (buffer, offset, length, header) ->
            {
                if (WireFields.type(WireFields.head(buffer, offset)) == WireFormat.KEYED_SNAPSHOT)
                {
                    pages.add(new long[] {WireFields.timestamp(buffer, offset),
                        KeyedSnapshotPage.count(WireFields.extensionLength(WireFields.ids(buffer, offset)))});
                }
            };
            Pump.until(() ->
            {
                spy.poll(pageSeen, 64);
                return pages.stream().mapToLong(p -> p[1]).sum() >= 1_000;
            }, Duration.ofSeconds(10), "the run's pages on the spy");
            final int perPage = KeyedSnapshotPage.fits(publication.maxPayloadLength());
            assertThat(perPage).isGreaterThan(1);
            assertThat(pages).hasSize((1_000 + perPage - 1) / perPage);
            for (int i = 0; i < pages.size(); i++)
            {
                assertThat(pages.get(i)[0]).as("page %d's first index", i).isEqualTo((long)i * perPage);
                assertThat(pages.get(i)[1]).as("page %d's keys", i)
                    .isEqualTo(i < pages.size() - 1 ? perPage : 1_000 - (long)i * perPage);
            }
            bridge.close();
            receiver.close();
        }
    }

    /** Laps a bridge on a ring of 16: opens, changes, final states, explicit retirements, a retire and reopen. */
    private static void lap(final KeyedStateBus<Phase> source)
    {
        for (long key = 1; key <= 40; key++)
        {
            source.set(key, Phase.HALTED);
            source.set(key + 40, Phase.CLOSED);
            source.retire(key + 80);
            source.open(key + 5_000, Phase.PRE_OPEN);
        }
        source.retire(5_001);
        source.open(5_001, Phase.HALTED);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void afterAGapBridgeIsLappedInTheMiddleOfARunTheNextRunsAreExact() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-run-lapped");
            KeyedStateBus<Phase> source = KeyedStateBus.builder(Phase.class).capacity(16).maxKeys(4_096)
                .retireOn(Phase.CLOSED).build())
        {
            for (long key = 1; key <= 4_000; key++)
            {
                source.open(key, Phase.OPEN); // a run of 4,000 keys: 49 pages, about two windows of the publication
            }
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 39);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .policy(Policy.GAP).snapshotInterval(Duration.ofMillis(20)).build();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 39));
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES,
                b -> KeyedBusOverTheWireTest.keyed(b).maxKeys(4_096));
            // the bridge alone: the run starts when the subscription connects and stops at the window's end
            Pump.until(() -> bridge.snapshots() == 1, Duration.ofSeconds(5), "the run started", bridge);
            for (int i = 0; i < 50; i++)
            {
                bridge.doWork();
            }
            lap(source); // while it waits
            final Map<Long, Phase> expected = table(source);
            assertThat(expected).hasSize(4_000 - 80 + 40);
            Pump.until(() -> mirrored.bus() != null && mirrored.latestSequence() == source.latestSequence() &&
                table(mirrored.bus()).equals(expected), Duration.ofSeconds(10), "the mirror repaired", bridge,
                receiver);
            assertThat(mirrored.lost()).isPositive(); // it was lapped: the loss is told, then repaired by a run

            // a mirror that joins now starts from a run of exactly the source's keys
            final StartWatch watch = new StartWatch();
            final MirrorReceiver late = watch.receiver(driver.aeron.addSubscription(TestDriver.IPC, 39));
            watch.holder.add(late.mirrorKeyed(0, PHASES, b -> KeyedBusOverTheWireTest.keyed(b).maxKeys(4_096)));
            Pump.until(() -> watch.holder.get(0).bus() != null, Duration.ofSeconds(10), "the late mirror", bridge,
                receiver, late);
            assertThat(watch.atStart).isEqualTo(expected);
            // a key neither mirror saw a transition of since the run it took it from is retired explicitly
            source.retire(4_000);
            Pump.until(() -> !mirrored.bus().isOpen(4_000) && !watch.holder.get(0).bus().isOpen(4_000),
                Duration.ofSeconds(5), "key 4,000 retired on both mirrors", bridge, receiver, late);
            bridge.close();
            receiver.close();
            late.close();
        }
    }
}
