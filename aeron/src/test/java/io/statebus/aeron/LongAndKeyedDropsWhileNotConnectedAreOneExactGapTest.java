package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedSubscription;
import io.statebus.LongStateBus;
import io.statebus.LongSubscription;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.aeron.KeyedBusOverTheWireTest.KeyedRecorder;
import io.statebus.aeron.LongBusOverTheWireTest.LongRecorder;
import org.agrona.concurrent.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * As {@link GapsAreExactEndToEndTest}'s outage, for a long bus and a keyed bus, whose transitions travel in runs
 * (wire version 6): what the bridge dropped while its publication was not connected reaches the mirror's subscriber as
 * one gap notice of exactly the dropped range (a long bus's snapshot after the outage carries the latest dropped, so
 * the gap ends before it; a keyed bus's snapshot run repairs the key table as of it), never a wrong value or state, and
 * the runs after it arrive with the source's sequences, values or keys and timestamps.
 */
class LongAndKeyedDropsWhileNotConnectedAreOneExactGapTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);

    /**
     * A UDP publication whose one destination the test removes and adds again: a network outage, as the bridge sees it
     * (not connected once the driver hears no status message) and as the mirror sees it (its image times out, and a
     * new one comes when the destination is back).
     */
    private static final class Outage
    {
        final io.aeron.Subscription subscription;
        final ExclusivePublication publication;
        final List<String> dropped = new ArrayList<>();
        private final String destination;

        Outage(final TestDriver driver, final int stream)
        {
            final String endpoint = TestDriver.udpChannel();
            destination = endpoint.substring(0, endpoint.indexOf('|'));
            subscription = driver.aeron.addSubscription(endpoint, stream);
            publication = driver.aeron.addExclusivePublication("aeron:udp?control-mode=manual|term-length=64k", stream);
            publication.addDestination(destination);
        }

        BridgeListener listener()
        {
            return new BridgeListener()
            {
                @Override
                public void onDroppedNotConnected(final long firstDropped, final long lastDropped)
                {
                    dropped.add(firstDropped + ".." + lastDropped);
                }
            };
        }

        void begin(final Agent... agents)
        {
            publication.removeDestination(destination);
            Pump.until(() -> !publication.isConnected(), Duration.ofSeconds(10), "not connected", agents);
        }

        void end()
        {
            publication.addDestination(destination);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aLongBusesTransitionsDroppedWhileNotConnectedReachTheMirrorAsOneExactGap() throws Exception
    {
        final long[] clock = {1_000};
        try (TestDriver driver = TestDriver.start("long-not-connected");
            LongStateBus source = StateBus.longBuilder(5).capacity(1024).clock(() -> clock[0] += 11).build())
        {
            final Outage outage = new Outage(driver, 15);
            final TransitionBridge<Long> bridge = TransitionBridge.builder(source, outage.publication).busId(7)
                .listener(outage.listener()).build();
            final LongSubscription truth = source.subscribe(Policy.BLOCK);
            final LongRecorder expected = new LongRecorder(truth);
            final MirrorReceiver receiver = new MirrorReceiver(outage.subscription);
            final MirroredLongBus mirrored = receiver.mirrorLong(7, b -> b);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "connected", bridge, receiver);
            publish(source, 3);
            Pump.until(() -> mirrored.latestSequence() == 3, Duration.ofSeconds(10), "1..3", bridge, receiver);
            final LongSubscription sub = mirrored.bus().subscribe(Policy.BLOCK);
            final LongRecorder got = new LongRecorder(sub);
            final Agent subscriber = got.agent(sub);

            outage.begin(bridge, receiver, subscriber);
            publish(source, 10); // 4..13: dropped by the bridge
            Pump.until(() -> bridge.droppedNotConnected() == 10, Duration.ofSeconds(10), "10 dropped", bridge,
                receiver, subscriber);
            outage.end();
            Pump.until(() -> mirrored.latestSequence() == 13, Duration.ofSeconds(15), "the snapshot after the outage",
                bridge, receiver, subscriber);
            publish(source, 5); // 14..18: one run
            Pump.until(() -> got.lastSequence == 18 && expected.lastSequence == 18, Duration.ofSeconds(10), "14..18",
                bridge, receiver, subscriber, expected.agent(truth));

            assertThat(outage.dropped).containsExactly("4..13");
            assertThat(got.problems).isEmpty();
            // the snapshot carried 13 (the latest dropped): 4..12 lost, 13 delivered from the snapshot, then 14..18
            assertThat(got.gaps).containsExactly("4..12");
            assertThat(got.transitions).hasSize(6);
            for (int i = 0; i < 6; i++) // sequence, from, to, timestamp: the source's
            {
                assertThat(got.transitions.get(i)).containsExactly(expected.transitions.get(12 + i));
            }
            assertThat(mirrored.lost()).isEqualTo(9);
            assertThat(mirrored.gaps()).isEqualTo(1);
            assertThat(mirrored.bus().get()).isEqualTo(source.get());
            assertThat(receiver.malformed()).isZero();
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aKeyedBusesTransitionsDroppedWhileNotConnectedReachTheMirrorAsOneExactGap() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-not-connected");
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class))
                .clock(new KeyedBusOverTheWireTest.Ticks()).build())
        {
            final Outage outage = new Outage(driver, 16);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, outage.publication)
                .busId(8).listener(outage.listener()).build();
            final KeyedSubscription<Phase> truth = source.subscribe(Policy.BLOCK);
            final KeyedRecorder expected = new KeyedRecorder(0);
            final MirrorReceiver receiver = new MirrorReceiver(outage.subscription);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(8, PHASES, KeyedBusOverTheWireTest::keyed);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "connected", bridge, receiver);
            for (long key = 1; key <= 3; key++)
            {
                source.open(key, Phase.PRE_OPEN); // 1..3
            }
            Pump.until(() -> mirrored.latestSequence() == 3, Duration.ofSeconds(10), "1..3", bridge, receiver);
            final KeyedSubscription<Phase> sub = mirrored.bus().subscribe(Policy.BLOCK);
            final KeyedRecorder got = new KeyedRecorder(3);
            final Agent subscriber = got.agent(sub);

            outage.begin(bridge, receiver, subscriber);
            source.set(1, Phase.OPEN); // 4..13: dropped by the bridge
            for (long key = 4; key <= 8; key++)
            {
                source.open(key, Phase.PRE_OPEN);
            }
            source.set(2, Phase.CLOSED); // retires key 2
            source.set(3, Phase.HALTED);
            source.set(4, Phase.OPEN);
            source.set(1, Phase.HALTED);
            Pump.until(() -> bridge.droppedNotConnected() == 10, Duration.ofSeconds(10), "10 dropped", bridge,
                receiver, subscriber);
            outage.end();
            Pump.until(() -> mirrored.latestSequence() == 13, Duration.ofSeconds(15), "the snapshot run after it",
                bridge, receiver);
            assertSameTable(source, mirrored.bus()); // as of 13: no wrong state, no retired key
            for (long key = 1; key <= 8; key++)
            {
                if (source.isOpen(key))
                {
                    got.knows(key, source.get(key)); // what the key's next transition after the gap comes from
                }
            }
            source.set(1, Phase.OPEN); // 14..18: one run
            source.set(3, Phase.CLOSED);
            source.set(4, Phase.HALTED);
            source.open(9, Phase.PRE_OPEN);
            source.set(4, Phase.OPEN);
            Pump.until(() -> got.lastSequence == 18 && expected.lastSequence == 18, Duration.ofSeconds(10), "14..18",
                bridge, receiver, subscriber, expected.agent(truth));

            assertThat(outage.dropped).containsExactly("4..13");
            assertThat(got.problems).containsExactly("gap 4..13"); // and nothing else: each key's chain kept
            // sequence, key, from, to, timestamp: the source's
            assertThat(got.seen).isEqualTo(expected.seen.subList(13, 18));
            assertSameTable(source, mirrored.bus());
            assertThat(mirrored.lost()).isEqualTo(10);
            assertThat(mirrored.gaps()).isEqualTo(1);
            assertThat(receiver.malformed()).isZero();
            bridge.close();
            receiver.close();
        }
    }

    /** The mirror's key table is the source's: the same open keys (of 1..9), each in the same state. */
    private static void assertSameTable(final KeyedStateBus<Phase> source, final KeyedStateBus<Phase> mirror)
    {
        assertThat(mirror.openKeys()).isEqualTo(source.openKeys());
        for (long key = 1; key <= 9; key++)
        {
            assertThat(mirror.isOpen(key)).as("key %d open", key).isEqualTo(source.isOpen(key));
            if (source.isOpen(key))
            {
                assertThat(mirror.get(key)).as("key %d", key).isEqualTo(source.get(key));
            }
        }
    }

    private static void publish(final LongStateBus bus, final int n)
    {
        for (int i = 0; i < n; i++)
        {
            bus.set(bus.get() * 31 + 7);
        }
    }
}
