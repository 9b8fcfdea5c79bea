package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedSubscription;
import io.statebus.KeyedTransition;
import io.statebus.KeyedTransitionHandler;
import io.statebus.Policy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.statebus.aeron.KeyedBusOverTheWireTest.PHASES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key the source retires with {@code KeyedStateBus.retire(key)}, which publishes no transition, leaves the mirror
 * too: a live mirror retires it (its subscribers, as the source's, see no transition for it), a key retired and
 * opened again ends open in its new state, a mirror that joins late starts from a run without it, and a retire
 * message that contradicts itself is refused and counted.
 */
class KeyedMirrorSeesExplicitRetirementsTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64));

    /** Records each transition as text. */
    private static KeyedTransitionHandler<Phase> into(final List<String> seen)
    {
        return new KeyedTransitionHandler<>()
        {
            @Override
            public void onTransition(final KeyedTransition<Phase> t, final boolean endOfBatch)
            {
                seen.add("#" + t.sequence() + " " + t.key() + ":" + t.from() + "->" + t.to());
            }
        };
    }

    /** A retire message as a bridge of {@code session} would send it, from another publication on the stream. */
    private void sendRetire(final Publication publication, final long session, final long knownAt,
        final long position, final Phase from, final Phase to, final long key)
    {
        WireFormat.write(buffer, 0, WireFormat.KEYED_RETIRE, (short)0, 0, PHASES.size(), PHASES.fingerprint(),
            session, knownAt, position, from.ordinal(), to.ordinal(), key, 0);
        Pump.inject(publication, buffer, WireFormat.lengthOf(WireFormat.KEYED));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void keysRetiredExplicitlyLeaveTheMirrorWithNoTransitionForThem() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-retire");
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 35);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 35);
            // no periodic run within the test: only the idle bridge's reconciliation can tell the mirror
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .snapshotInterval(Duration.ofHours(1)).build();
            final KeyedSubscription<Phase> sourceSide = source.subscribe(Policy.BLOCK);
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, KeyedBusOverTheWireTest::keyed);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            final KeyedStateBus<Phase> local = mirrored.bus();
            final KeyedSubscription<Phase> mirrorSide = local.subscribe(Policy.BLOCK);
            for (long key = 1; key <= 20; key++)
            {
                source.open(key, key % 2 == 0 ? Phase.OPEN : Phase.PRE_OPEN);
            }
            source.set(7, Phase.HALTED);
            Pump.until(() -> mirrored.latestSequence() == 21, Duration.ofSeconds(10), "the mirror at 21", bridge,
                receiver);
            assertThat(local.openKeys()).isEqualTo(20);

            source.retire(4);
            source.retire(7);
            source.retire(20);
            Pump.until(() -> local.openKeys() == 17, Duration.ofSeconds(10), "the retirements at the mirror", bridge,
                receiver);
            for (final long key : new long[] {4, 7, 20})
            {
                assertThat(local.isOpen(key)).as("key %d", key).isFalse();
                assertThat(source.isOpen(key)).isFalse();
            }
            for (long key = 1; key <= 19; key++)
            {
                if (key != 4 && key != 7)
                {
                    assertThat(local.get(key)).as("key %d", key).isEqualTo(source.get(key));
                }
            }
            // the subscribers on both sides saw the same transitions, and none for the retirements
            final List<String> atSource = new ArrayList<>();
            final List<String> atMirror = new ArrayList<>();
            while (sourceSide.poll(into(atSource), 64) > 0)
            {
                Thread.onSpinWait();
            }
            while (mirrorSide.poll(into(atMirror), 64) > 0)
            {
                Thread.onSpinWait();
            }
            assertThat(atSource).hasSize(21);
            assertThat(atMirror).isEqualTo(atSource);
            assertThat(local.latestSequence()).isEqualTo(source.latestSequence()).isEqualTo(21);
            assertThat(mirrored.lost()).isZero();
            assertThat(mirrored.gaps()).isZero();
            assertThat(receiver.malformed()).isZero();
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aKeyRetiredAndOpenedAgainEndsOpenInItsNewStateOnTheMirror() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-reopen");
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 35);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 35);
            final ExclusivePublication intruder = driver.aeron.addExclusivePublication(TestDriver.IPC, 35);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .snapshotInterval(Duration.ofMillis(20)).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, KeyedBusOverTheWireTest::keyed);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            final KeyedStateBus<Phase> local = mirrored.bus();
            for (long key = 1; key <= 4; key++)
            {
                source.open(key, Phase.PRE_OPEN);
            }
            Pump.until(() -> mirrored.latestSequence() == 4, Duration.ofSeconds(10), "the mirror at 4", bridge,
                receiver);

            // retired and opened again before the bridge looks: the mirror takes the new state, never retires it
            source.retire(1);
            source.open(1, Phase.HALTED); // #5
            // retired, opened, retired again: the mirror ends without it
            source.retire(3);
            source.open(3, Phase.OPEN); // #6
            source.retire(3);
            Pump.until(() -> mirrored.latestSequence() == 6 && !local.isOpen(3), Duration.ofSeconds(10),
                "#6 and the retirement of key 3", bridge, receiver);
            // several idle reconciliations and periodic runs later, key 1 is still open in its new state
            final long runs = bridge.snapshots();
            Pump.until(() -> bridge.snapshots() >= runs + 3, Duration.ofSeconds(10), "three more runs", bridge,
                receiver);
            assertThat(local.get(1)).isEqualTo(Phase.HALTED).isEqualTo(source.get(1));
            assertThat(local.isOpen(3)).isFalse();
            assertThat(local.openKeys()).isEqualTo(source.openKeys()).isEqualTo(3);

            // a retirement that knew key 1 at #1 arrives after its reopening at #5 reached the mirror: the key stays;
            // one that knew key 2 at its latest transition, #2, retires it
            sendRetire(intruder, bridge.session(), 1, 4, Phase.PRE_OPEN, Phase.PRE_OPEN, 1);
            sendRetire(intruder, bridge.session(), 2, 6, Phase.PRE_OPEN, Phase.PRE_OPEN, 2);
            Pump.until(() -> !local.isOpen(2), Duration.ofSeconds(10), "the injected retirement of key 2", receiver);
            // the two came in order on one publication: the first was handled before the second retired key 2
            assertThat(local.get(1)).isEqualTo(Phase.HALTED);
            assertThat(mirrored.lost()).isZero();
            assertThat(receiver.malformed()).isZero();
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirrorThatJoinsLateStartsFromARunWithoutTheKeysRetiredExplicitly() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-retire-late");
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 35);
            for (long key = 1; key <= 10; key++)
            {
                source.open(key, Phase.OPEN);
            }
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .snapshotInterval(Duration.ofMillis(50)).build();
            source.set(3, Phase.HALTED); // #11: the bridge's copy has keys 1..10, 3 from the stream
            source.retire(3);
            source.retire(6);
            source.retire(9);
            for (int i = 0; i < 100; i++)
            {
                bridge.doWork(); // no mirror yet: #11 dropped as not connected, the retirements wait for one
            }
            assertThat(bridge.droppedNotConnected()).isEqualTo(1);

            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 35);
            // the keys of the run itself, read as the mirror starts from it, before any later message is applied
            final List<MirroredKeyedBus<Phase>> holder = new ArrayList<>();
            final List<String> atStart = new ArrayList<>();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub, null, new MirrorListener()
            {
                @Override
                public void onStarted(final int busId, final long session, final io.statebus.StateBus<?> bus,
                    final long sequence)
                {
                    final KeyedStateBus<Phase> started = holder.get(0).bus();
                    for (long key = 1; key <= 10; key++)
                    {
                        if (started.isOpen(key))
                        {
                            atStart.add(key + ":" + started.get(key));
                        }
                    }
                }
            }, 256);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, KeyedBusOverTheWireTest::keyed);
            holder.add(mirrored);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "a whole run", bridge, receiver);
            final KeyedStateBus<Phase> local = mirrored.bus();
            assertThat(atStart).containsExactlyInAnyOrder("1:OPEN", "2:OPEN", "4:OPEN", "5:OPEN", "7:OPEN",
                "8:OPEN", "10:OPEN");
            assertThat(local.latestSequence()).isEqualTo(11);
            assertThat(local.openKeys()).isEqualTo(7).isEqualTo(source.openKeys());
            for (long key = 1; key <= 10; key++)
            {
                assertThat(local.isOpen(key)).as("key %d", key).isEqualTo(key % 3 != 0);
                if (key % 3 != 0)
                {
                    assertThat(local.get(key)).isEqualTo(Phase.OPEN);
                }
            }
            // and a run after the join does not bring them back
            final long runs = bridge.snapshots();
            Pump.until(() -> bridge.snapshots() >= runs + 2, Duration.ofSeconds(10), "two more runs", bridge,
                receiver);
            assertThat(local.openKeys()).isEqualTo(7);
            assertThat(receiver.malformed()).isZero();
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMalformedRetireMessageIsRefusedAndCounted() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-retire-malformed");
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 35);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 35);
            final ExclusivePublication intruder = driver.aeron.addExclusivePublication(TestDriver.IPC, 35);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .snapshotInterval(Duration.ofHours(1)).build();
            final List<MalformedReason> reasons = new CopyOnWriteArrayList<>();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub, null, MalformedTold.into(reasons), 256);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, KeyedBusOverTheWireTest::keyed);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            final KeyedStateBus<Phase> local = mirrored.bus();
            source.open(1, Phase.OPEN);
            source.open(2, Phase.OPEN);
            Pump.until(() -> mirrored.latestSequence() == 2, Duration.ofSeconds(10), "the mirror at 2", bridge,
                receiver);
            final long session = bridge.session();

            sendRetire(intruder, session, 1, 0, Phase.OPEN, Phase.OPEN, 1); // retired as of before its own sequence
            sendRetire(intruder, session, -1, 2, Phase.OPEN, Phase.OPEN, 1); // a sequence below 0
            sendRetire(intruder, session, 1, 2, Phase.OPEN, Phase.HALTED, 1); // a retirement is no change of state
            Pump.until(() -> receiver.malformed() == 3, Duration.ofSeconds(10), "three refusals", receiver);
            assertThat(reasons).containsExactly(MalformedReason.SEQUENCE, MalformedReason.SEQUENCE,
                MalformedReason.STATE_ID);
            assertThat(local.get(1)).isEqualTo(Phase.OPEN);
            assertThat(local.openKeys()).isEqualTo(2);

            sendRetire(intruder, session, 1, 2, Phase.OPEN, Phase.OPEN, 1); // well formed: applied
            Pump.until(() -> !local.isOpen(1), Duration.ofSeconds(10), "the retirement of key 1", receiver);
            assertThat(receiver.malformed()).isEqualTo(3);
            assertThat(local.get(2)).isEqualTo(Phase.OPEN);
            bridge.close();
            receiver.close();
        }
    }
}
