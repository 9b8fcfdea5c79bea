package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.Gap;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedStateBusBuilder;
import io.statebus.KeyedSubscription;
import io.statebus.KeyedTransition;
import io.statebus.KeyedTransitionHandler;
import io.statebus.Policy;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link KeyedStateBus} over Aeron: 1,000 keys opened, changed and retired at the source reach the mirror's
 * subscribers in the source's order, each key's chain kept, and the mirror's key table ends equal to the source's; a
 * mirror that joins late starts from a whole snapshot run of the open keys; the same over UDP on 127.0.0.1.
 */
class KeyedBusOverTheWireTest
{
    static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);
    private static final Phase[] OPEN_STATES = {Phase.PRE_OPEN, Phase.OPEN, Phase.HALTED};

    static KeyedStateBusBuilder<Phase> keyed(final KeyedStateBusBuilder<Phase> builder)
    {
        return builder.capacity(256).maxKeys(2_048).retireOn(Phase.CLOSED);
    }

    /** The source's side of a test: its bus, its live keys, and a random walk over them. */
    static final class Source
    {
        final KeyedStateBus<Phase> bus;
        final List<Long> live = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(5);
        int opened;

        Source()
        {
            this(keyed(KeyedStateBus.builder(Phase.class)).clock(new Ticks()).build());
        }

        Source(final KeyedStateBus<Phase> bus)
        {
            this.bus = bus;
        }

        /** Opens the next key (until {@code keys}), or changes a live one (a change to CLOSED retires it). */
        void step(final int keys)
        {
            if (opened < keys && (live.isEmpty() || random.nextInt(3) == 0))
            {
                final long key = 1_000_003L * ++opened;
                bus.open(key, Phase.PRE_OPEN);
                live.add(key);
                return;
            }
            if (live.isEmpty())
            {
                return;
            }
            final int i = random.nextInt(live.size());
            final long key = live.get(i);
            // a key closes (and retires) about once in 25 changes: most keys live long, some retire
            final Phase next = random.nextInt(25) == 0 ? Phase.CLOSED :
                OPEN_STATES[random.nextInt(OPEN_STATES.length)];
            if (bus.get(key) != next)
            {
                bus.set(key, next);
                if (next == Phase.CLOSED)
                {
                    live.remove(i);
                }
            }
        }

        /** Steps while the bridge is less than half a ring behind, so the test thread never waits for itself. */
        Agent producer(final TransitionBridge<Phase> bridge, final long lastSequence, final int keys)
        {
            return Pump.of("producer", () ->
            {
                final long latest = bus.latestSequence();
                if (latest < lastSequence && latest - bridge.subscription().position() < 128)
                {
                    step(keys);
                    return 1;
                }
                return 0;
            });
        }

        void assertSameTable(final KeyedStateBus<Phase> mirror)
        {
            assertThat(mirror.openKeys()).isEqualTo(bus.openKeys()).isEqualTo(live.size());
            for (final long key : live)
            {
                assertThat(mirror.get(key)).as("key %d", key).isEqualTo(bus.get(key));
            }
        }
    }

    /** A clock for the source: every transition gets a distinct timestamp. */
    static final class Ticks implements org.agrona.concurrent.NanoClock
    {
        private long now = 500;

        @Override
        public long nanoTime()
        {
            return now += 13;
        }
    }

    /** Records each transition and gap, and checks the global order and each key's chain. */
    static final class KeyedRecorder implements KeyedTransitionHandler<Phase>
    {
        final List<String> seen = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final Long2ObjectHashMap<Phase> keys = new Long2ObjectHashMap<>();
        long lastSequence;

        KeyedRecorder(final long joinSequence)
        {
            lastSequence = joinSequence;
        }

        /** @param key a key open at the join point, in {@code state} there. */
        void knows(final long key, final Phase state)
        {
            keys.put(key, state);
        }

        @Override
        public void onTransition(final KeyedTransition<Phase> t, final boolean endOfBatch)
        {
            final Phase before = keys.get(t.key());
            if (t.sequence() != lastSequence + 1 || (before == null ? t.from() != t.to() : before != t.from()))
            {
                problems.add("#" + t.sequence() + " key " + t.key() + " " + t.from() + "->" + t.to() + " after #" +
                    lastSequence + " in " + before);
            }
            seen.add("#" + t.sequence() + " " + t.key() + " " + t.from() + "->" + t.to() + " @" + t.timestampNanos());
            if (t.to() == Phase.CLOSED)
            {
                keys.remove(t.key());
            }
            else
            {
                keys.put(t.key(), t.to());
            }
            lastSequence = t.sequence();
        }

        @Override
        public void onGap(final Gap<Phase> gap)
        {
            problems.add("gap " + gap.firstMissed() + ".." + gap.lastMissed());
            lastSequence = gap.lastMissed();
        }

        Agent agent(final KeyedSubscription<Phase> sub)
        {
            return Pump.of("keyed-subscriber", () -> sub.poll(this, 256));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aThousandKeysReachTheMirrorInOrderWithEveryKeysChainAndTheSameTable() throws Exception
    {
        final Source source = new Source();
        try (TestDriver driver = TestDriver.start("keyed-ipc"); KeyedStateBus<Phase> bus = source.bus)
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 31);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 31);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(bus, PHASES, publication).busId(3).build();
            final KeyedSubscription<Phase> truth = bus.subscribe(Policy.BLOCK);
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(3, PHASES, KeyedBusOverTheWireTest::keyed);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            final KeyedSubscription<Phase> sub = mirrored.bus().subscribe(Policy.BLOCK);
            final KeyedRecorder got = new KeyedRecorder(0);
            final KeyedRecorder expected = new KeyedRecorder(0);
            final long last = 6_000;
            Pump.until(() -> got.lastSequence == last, Duration.ofSeconds(20), "every transition at the mirror",
                source.producer(bridge, last, 1_000), bridge, receiver, got.agent(sub), expected.agent(truth));

            assertThat(source.opened).isEqualTo(1_000);
            assertThat(got.problems).isEmpty();
            assertThat(expected.problems).isEmpty();
            assertThat(got.seen).hasSize((int)last).isEqualTo(expected.seen);
            assertThat(got.seen).anyMatch(s -> s.contains("->CLOSED"));
            source.assertSameTable(mirrored.bus());
            assertThat(mirrored.lost()).isZero();
            assertThat(receiver.malformed()).isZero();
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirrorThatJoinsLateStartsFromAWholeSnapshotRunOfTheOpenKeys() throws Exception
    {
        final Source source = new Source();
        try (TestDriver driver = TestDriver.start("keyed-late"); KeyedStateBus<Phase> bus = source.bus)
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 32);
            for (int i = 0; i < 3_000; i++)
            {
                source.step(1_000); // before the bridge: it seeds its copy of the keys from the source's table
            }
            final long bridgedFrom = bus.latestSequence();
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(bus, PHASES, publication)
                .snapshotInterval(Duration.ofMillis(50)).build();
            for (int i = 0; i < 1_000; i++)
            {
                source.step(1_000);
                bridge.doWork(); // no mirror yet: dropped as not connected
            }
            final long joinedAt = bus.latestSequence();
            assertThat(bridge.droppedNotConnected()).isEqualTo(joinedAt - bridgedFrom);
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 32);
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, KeyedBusOverTheWireTest::keyed);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "a whole run", bridge, receiver);
            final KeyedStateBus<Phase> local = mirrored.bus();
            assertThat(local.latestSequence()).isEqualTo(joinedAt);
            assertThat(local.openKeys()).isGreaterThan(100);
            source.assertSameTable(local);

            final KeyedSubscription<Phase> sub = local.subscribe(Policy.BLOCK);
            final KeyedRecorder got = new KeyedRecorder(joinedAt);
            for (final long key : source.live)
            {
                got.knows(key, bus.get(key));
            }
            final long last = joinedAt + 2_000;
            Pump.until(() -> got.lastSequence == last, Duration.ofSeconds(20), "2,000 more at the mirror",
                source.producer(bridge, last, 1_000), bridge, receiver, got.agent(sub));
            assertThat(got.problems).isEmpty();
            assertThat(got.seen).hasSize(2_000);
            source.assertSameTable(local);
            assertThat(mirrored.lost()).isZero();
            assertThat(receiver.malformed()).isZero();
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aLappedGapBridgeIsOneExactGapAndASnapshotRunRepairsTheMirrorsKeys() throws Exception
    {
        final Source source = new Source(KeyedStateBus.builder(Phase.class).capacity(16).maxKeys(2_048)
            .retireOn(Phase.CLOSED).build());
        try (TestDriver driver = TestDriver.start("keyed-gap"); KeyedStateBus<Phase> bus = source.bus)
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 33);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 33);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(bus, PHASES, publication)
                .policy(Policy.GAP).snapshotInterval(Duration.ofMillis(20)).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, KeyedBusOverTheWireTest::keyed);
            for (int i = 0; i < 30; i++)
            {
                source.step(40);
            }
            final long before = bus.latestSequence();
            Pump.until(() -> mirrored.latestSequence() == before, Duration.ofSeconds(10), "the first steps", bridge,
                receiver);
            final KeyedSubscription<Phase> sub = mirrored.bus().subscribe(Policy.BLOCK);
            final long missedBefore = bridge.subscription().missed(); // the first steps may have lapped it already
            final long lostBefore = mirrored.lost();
            final List<String> gaps = new ArrayList<>();
            final KeyedTransitionHandler<Phase> handler = new KeyedTransitionHandler<>()
            {
                @Override
                public void onTransition(final KeyedTransition<Phase> t, final boolean endOfBatch)
                {
                }

                @Override
                public void onGap(final Gap<Phase> gap)
                {
                    gaps.add(gap.firstMissed() + ".." + gap.lastMissed());
                }
            };
            while (bus.latestSequence() < before + 300)
            {
                source.step(200); // keys open, change and close while the bridge does nothing: a ring of 16 laps it
            }
            final long last = bus.latestSequence();
            Pump.until(() -> sub.position() == last && sameTable(source, mirrored.bus()), Duration.ofSeconds(10),
                "the mirror at the source's sequence, its key table repaired by a run", bridge, receiver,
                Pump.of("subscriber", () -> sub.poll(handler, 256)));
            // the bridge resumed at the oldest transition still in its ring: last - 15; what came before is one gap
            assertThat(gaps).containsExactly((before + 1) + ".." + (last - 16));
            assertThat(sub.missed()).isEqualTo(last - 16 - before)
                .isEqualTo(bridge.subscription().missed() - missedBefore).isEqualTo(mirrored.lost() - lostBefore);
            source.assertSameTable(mirrored.bus());
            bridge.close();
            receiver.close();
        }
    }

    private static boolean sameTable(final Source source, final KeyedStateBus<Phase> mirror)
    {
        if (mirror.openKeys() != source.live.size())
        {
            return false;
        }
        for (final long key : source.live)
        {
            if (!mirror.isOpen(key) || mirror.get(key) != source.bus.get(key))
            {
                return false;
            }
        }
        return true;
    }
}
