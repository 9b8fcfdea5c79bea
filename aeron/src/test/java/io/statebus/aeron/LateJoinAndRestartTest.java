package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.statebus.KeyedStateBus;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.StateBusClosedException;
import io.statebus.Subscription;
import org.junit.jupiter.api.Test;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A mirror that starts mid-stream begins at the source's sequence and state; a restarted source is a new session. */
class LateJoinAndRestartTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirrorThatJoinsAnIdleSourceMidStreamStartsAtItsSequenceAndStateFromTheSnapshot() throws Exception
    {
        try (TestDriver driver = TestDriver.start("late-idle");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build())
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 20);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .snapshotInterval(Duration.ofMillis(20)).build();
            for (int i = 0; i < 41; i++)
            {
                source.set(source.get().next());
            }
            Pump.until(() -> bridge.droppedNotConnected() == 41, Duration.ofSeconds(5), "41 dropped: no mirror yet",
                bridge);

            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 20));
            final MirroredBus<Phase> mirrored = receiver.mirror(0, PHASES, b -> b);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the bus from a snapshot", bridge, receiver);
            final StateBus<Phase> mirror = mirrored.bus();
            assertThat(mirror.latestSequence()).isEqualTo(41);
            assertThat(mirror.get()).isEqualTo(source.get());
            final Subscription<Phase> sub = mirror.subscribe(Policy.BLOCK);
            final Recorder<Phase> recorder = new Recorder<>(sub.joinSequence(), sub.joinState());

            source.set(source.get().next());
            source.set(source.get().next());
            Pump.until(() -> recorder.lastSequence == 43, Duration.ofSeconds(10), "live after the snapshot",
                bridge, receiver, new PollingAgent<>(sub, recorder));
            assertThat(recorder.problems).isEmpty();
            assertThat(recorder.gaps).isEmpty();
            assertThat(recorder.count).isEqualTo(2);
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirrorThatRestartsMidStreamStartsAgainFromTheSourcesCurrentState() throws Exception
    {
        try (TestDriver driver = TestDriver.start("mirror-restart");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build())
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 21);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication).build();
            final MirrorReceiver first = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 21));
            final MirroredBus<Phase> firstMirror = first.mirror(0, PHASES, b -> b);
            source.set(Phase.OPEN);
            Pump.until(() -> firstMirror.latestSequence() == 1, Duration.ofSeconds(10), "1", bridge, first);
            first.close(); // the mirror "process" ends
            first.subscription().close();
            assertThat(firstMirror.bus().isClosed()).isTrue();

            source.set(Phase.HALTED);
            source.set(Phase.OPEN);
            final MirrorReceiver second = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 21));
            final MirroredBus<Phase> secondMirror = second.mirror(0, PHASES, b -> b);
            Pump.until(() -> secondMirror.bus() != null, Duration.ofSeconds(10), "the restarted mirror's bus",
                bridge, second);
            assertThat(secondMirror.bus().latestSequence()).isEqualTo(3);
            assertThat(secondMirror.bus().get()).isEqualTo(Phase.OPEN);
            assertThat(secondMirror.session()).isEqualTo(bridge.session());
            bridge.close();
            second.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aRestartedSourceIsANewSessionTheOldLocalBusClosesAndANewOneStarts() throws Exception
    {
        try (TestDriver driver = TestDriver.start("source-restart"))
        {
            final List<String> events = new ArrayList<>();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 22),
                driver.aeron, new MirrorListener()
                {
                    @Override
                    public void onSourceRestarted(final int busId, final long oldSession, final long newSession,
                        final StateBus<?> oldBus)
                    {
                        events.add("restarted " + Long.toHexString(oldSession) + " -> " + Long.toHexString(newSession));
                    }

                    @Override
                    public void onStarted(final int busId, final long session, final StateBus<?> bus, final long sequence)
                    {
                        events.add("started " + Long.toHexString(session) + " at " + sequence);
                    }
                }, 64);
            final MirroredBus<Phase> mirrored = receiver.mirror(0, PHASES, b -> b);

            final long oldSession;
            final StateBus<Phase> oldLocal;
            final Subscription<Phase> oldSub;
            try (StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build();
                ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 22);
                TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication).build())
            {
                oldSession = bridge.session();
                // connected first: a bridge that sends before the mirror's image is there starts it at a later snapshot
                Pump.until(publication::isConnected, Duration.ofSeconds(10), "connected", bridge, receiver);
                source.set(Phase.OPEN);
                source.set(Phase.HALTED);
                Pump.until(() -> mirrored.latestSequence() == 2, Duration.ofSeconds(10), "1..2", bridge, receiver);
                oldLocal = mirrored.bus();
                oldSub = oldLocal.subscribe(Policy.BLOCK);
            }

            // the source process restarts: a new bus (sequence 0 again) and a new bridge, so a new session
            try (StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build();
                ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 22);
                TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication).build())
            {
                assertThat(bridge.session()).isNotEqualTo(oldSession);
                Pump.until(() -> mirrored.sessions() == 2, Duration.ofSeconds(10), "the new session", bridge, receiver);
                try (StatebusStat stat = new StatebusStat(new java.io.File(driver.dir))) // as another process reads it
                {
                    Pump.untilCounter(stat, "statebus mirror sessions: bus=0", 2, receiver);
                }
                final StateBus<Phase> newLocal = mirrored.bus();
                assertThat(newLocal).isNotSameAs(oldLocal);
                assertThat(oldLocal.isClosed()).isTrue();
                assertThatThrownBy(() -> oldSub.poll((t, end) -> { }, 16)).isInstanceOf(StateBusClosedException.class);
                assertThat(newLocal.latestSequence()).isZero();
                assertThat(newLocal.get()).isEqualTo(Phase.PRE_OPEN);
                assertThat(mirrored.session()).isEqualTo(bridge.session());

                source.set(Phase.CLOSED);
                Pump.until(() -> mirrored.latestSequence() == 1 && newLocal.get() == Phase.CLOSED, Duration.ofSeconds(10),
                    "1 of the new session", bridge, receiver);
                assertThat(events).containsExactly(
                    "started " + Long.toHexString(oldSession) + " at 0",
                    "restarted " + Long.toHexString(oldSession) + " -> " + Long.toHexString(bridge.session()),
                    "started " + Long.toHexString(bridge.session()) + " at 0");
            }
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aRestartedKeyedSourceStartsANewLocalBusWithNoneOfTheOldSessionsKeys() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-source-restart");
            KeyedStateBus<Phase> old = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build();
            KeyedStateBus<Phase> restarted = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 23));
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, KeyedBusOverTheWireTest::keyed);
            final TransitionBridge<Phase> oldBridge = TransitionBridge.builder(old, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 23)).snapshotInterval(Duration.ofMillis(5)).build();
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", oldBridge, receiver);
            for (long key = 1; key <= 5; key++)
            {
                old.open(key, Phase.OPEN);
            }
            Pump.until(() -> mirrored.latestSequence() == 5, Duration.ofSeconds(10), "1..5", oldBridge, receiver);
            final KeyedStateBus<Phase> oldLocal = mirrored.bus();

            // the source restarts while the old process still runs a little: keys 3 and 4 again, in other states
            restarted.open(3, Phase.PRE_OPEN);
            restarted.open(4, Phase.HALTED);
            restarted.open(10, Phase.OPEN);
            final TransitionBridge<Phase> newBridge = TransitionBridge.builder(restarted, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 23)).snapshotInterval(Duration.ofMillis(5)).build();
            Pump.until(() -> mirrored.sessions() == 2, Duration.ofSeconds(10), "the new session", oldBridge,
                newBridge, receiver);
            final KeyedStateBus<Phase> local = mirrored.bus();
            // the old one's changes, explicit retirements and runs must not reach the new bus
            old.set(3, Phase.HALTED);
            old.retire(4);
            old.open(6, Phase.OPEN);
            old.set(1, Phase.CLOSED);
            restarted.set(10, Phase.HALTED);
            Pump.until(() -> mirrored.latestSequence() == 4, Duration.ofSeconds(10), "#4 of the new session",
                oldBridge, newBridge, receiver);
            Pump.forDuration(Duration.ofMillis(100), oldBridge, newBridge, receiver); // idle looks and runs of both
            final Map<Long, Phase> keys = new TreeMap<>();
            local.forEachOpenKey((key, state, sequence) -> keys.put(key, state));
            assertThat(keys).isEqualTo(Map.of(3L, Phase.PRE_OPEN, 4L, Phase.HALTED, 10L, Phase.HALTED));
            assertThat(mirrored.bus()).isSameAs(local);
            assertThat(oldLocal.isClosed()).isTrue();
            assertThat(mirrored.session()).isEqualTo(newBridge.session());
            oldBridge.close();
            newBridge.close();
            receiver.close();
        }
    }

    /**
     * A keyed mirror whose first messages are the tail of a snapshot run (it joined while the run was being sent)
     * ignores them, counting nothing as malformed, and starts from the next whole run.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aKeyedMirrorThatJoinsInTheMiddleOfARunIgnoresItsRestAndStartsFromTheNextRun() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-mid-run");
            KeyedStateBus<Phase> likeTheSource = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            final int retiresOn = RetiresOnCheck.fingerprint(likeTheSource, KeyedBusOverTheWireTest.PHASES);
            final ExclusivePublication source = driver.aeron.addExclusivePublication(TestDriver.IPC, 29);
            final List<MalformedReason> told = new ArrayList<>();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 29), null,
                new MirrorListener()
                {
                    @Override
                    public void onMalformed(final int busId, final MalformedReason reason)
                    {
                        told.add(reason);
                    }
                }, 64);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, KeyedBusOverTheWireTest.PHASES,
                KeyedBusOverTheWireTest::keyed);
            Pump.until(source::isConnected, Duration.ofSeconds(5), "connected", receiver);
            final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            // the run at #8 had four entries; the mirror gets its entries 2 and 3 and its end
            sendRun(source, buffer, WireFormat.KEYED_SNAPSHOT, 8, 2, Phase.OPEN, 12);
            sendRun(source, buffer, WireFormat.KEYED_SNAPSHOT, 8, 3, Phase.HALTED, 13);
            sendRun(source, buffer, WireFormat.KEYED_SNAPSHOT_END, 8, 80, Phase.OPEN, WireFields.runEnd(4, retiresOn));
            sendRun(source, buffer, WireFormat.KEYED_SNAPSHOT, 9, 0, Phase.OPEN, 12);
            sendRun(source, buffer, WireFormat.KEYED_SNAPSHOT, 9, 1, Phase.HALTED, 13);
            sendRun(source, buffer, WireFormat.KEYED_SNAPSHOT_END, 9, 90, Phase.OPEN, WireFields.runEnd(2, retiresOn));
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror from the run at #9", receiver);

            assertThat(mirrored.latestSequence()).isEqualTo(9);
            final Map<Long, Phase> keys = new TreeMap<>();
            mirrored.bus().forEachOpenKey((key, state, sequence) -> keys.put(key, state));
            assertThat(keys).isEqualTo(Map.of(12L, Phase.OPEN, 13L, Phase.HALTED));
            assertThat(told).as("the tail of a run joined in its middle is not malformed").isEmpty();
            assertThat(receiver.malformed()).isZero();
            receiver.close();
        }
    }

    /** Writes a keyed run message of session 5 as a bridge would, and sends it. */
    private static void sendRun(final Publication publication, final UnsafeBuffer buffer, final byte type,
        final long sequence, final long indexOrTime, final Phase state, final long keyOrEnd)
    {
        WireFormat.write(buffer, 0, type, (short)0, 0, KeyedBusOverTheWireTest.PHASES.size(),
            KeyedBusOverTheWireTest.PHASES.fingerprint(), 5, sequence, indexOrTime, state.ordinal(), state.ordinal(),
            keyOrEnd, 0);
        Pump.inject(publication, buffer, WireFormat.lengthOf(WireFormat.KEYED));
    }
}
