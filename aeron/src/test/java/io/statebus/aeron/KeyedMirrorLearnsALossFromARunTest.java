package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.statebus.Gap;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live keyed mirror that receives a whole snapshot run ahead of it (the source went on, and idle, while nothing
 * arrived) records the range as lost, one gap, and takes the run's key table; a run that is not whole changes
 * nothing. The runs are written here, as a bridge of the same session would send them.
 */
class KeyedMirrorLearnsALossFromARunTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64));

    private void send(final Publication publication, final byte type, final long session, final long sequence,
        final long indexOrTime, final Phase state, final long keyOrCount)
    {
        send(publication, type, session, sequence, indexOrTime, state, state, keyOrCount);
    }

    private void send(final Publication publication, final byte type, final long session, final long sequence,
        final long indexOrTime, final Phase from, final Phase to, final long keyOrCount)
    {
        WireFormat.write(buffer, 0, type, (short)0, 0, KeyedBusOverTheWireTest.PHASES.size(),
            KeyedBusOverTheWireTest.PHASES.fingerprint(), session, sequence, indexOrTime, from.ordinal(),
            to.ordinal(), keyOrCount, 0);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (publication.offer(buffer, 0, WireFormat.lengthOf(WireFormat.KEYED)) < 0)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("could not send a message");
            }
            Thread.onSpinWait();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aWholeRunAheadOfTheMirrorIsOneGapAndItsKeyTable() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-ahead");
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 34);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 34);
            final ExclusivePublication intruder = driver.aeron.addExclusivePublication(TestDriver.IPC, 34);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, KeyedBusOverTheWireTest.PHASES,
                publication).snapshotInterval(Duration.ofHours(1)).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, KeyedBusOverTheWireTest.PHASES,
                KeyedBusOverTheWireTest::keyed);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            final KeyedStateBus<Phase> local = mirrored.bus();
            final KeyedSubscription<Phase> block = local.subscribe(Policy.BLOCK);
            final List<String> seen = new ArrayList<>();
            final KeyedTransitionHandler<Phase> handler = new KeyedTransitionHandler<>()
            {
                @Override
                public void onTransition(final KeyedTransition<Phase> t, final boolean endOfBatch)
                {
                    seen.add("#" + t.sequence() + " " + t.key() + ":" + t.from() + "->" + t.to());
                }

                @Override
                public void onGap(final Gap<Phase> gap)
                {
                    seen.add("gap " + gap.firstMissed() + ".." + gap.lastMissed());
                }
            };
            source.open(1, Phase.PRE_OPEN);
            source.open(2, Phase.PRE_OPEN);
            source.set(1, Phase.OPEN);
            Pump.until(() -> mirrored.latestSequence() == 3, Duration.ofSeconds(10), "the mirror at 3", bridge,
                receiver);
            final long session = bridge.session();

            // a run that is not whole (entry 1 missing) changes nothing
            send(intruder, WireFormat.KEYED_SNAPSHOT, session, 8, 0, Phase.HALTED, 1);
            send(intruder, WireFormat.KEYED_SNAPSHOT_END, session, 8, 80, Phase.PRE_OPEN, 2);
            Pump.until(() -> receiver.malformed() == 1, Duration.ofSeconds(10), "the broken run refused", receiver);
            // whole, at 8: 4..8 were lost while the source went idle (key 2 closed, key 3 opened in them); the BLOCK
            // subscription has not read 1..3, so it is not recorded yet
            sendRun(intruder, session);
            // received: the first run's end (no keys), 1..3 in one run, the broken run's two, this run's three
            Pump.until(() -> receiver.received() >= 7, Duration.ofSeconds(10), "the run received", receiver);
            assertThat(mirrored.latestSequence()).isEqualTo(3);
            assertThat(local.get(2)).isEqualTo(Phase.PRE_OPEN);

            Pump.until(() -> block.position() == 3, Duration.ofSeconds(10), "1..3 read",
                Pump.of("reader", () -> block.poll(handler, 16)));
            sendRun(intruder, session); // the next run
            Pump.until(() -> mirrored.latestSequence() == 8, Duration.ofSeconds(10), "the loss recorded", receiver);
            assertThat(mirrored.lost()).isEqualTo(5);
            assertThat(mirrored.gaps()).isEqualTo(1);
            assertThat(local.openKeys()).isEqualTo(2);
            assertThat(local.get(1)).isEqualTo(Phase.HALTED);
            assertThat(local.get(3)).isEqualTo(Phase.OPEN);
            assertThat(local.isOpen(2)).isFalse();

            send(intruder, WireFormat.KEYED_TRANSITION, session, 9, 90, Phase.HALTED, Phase.CLOSED, 1);
            Pump.until(() -> seen.size() == 5, Duration.ofSeconds(10), "the gap and #9 read", receiver,
                Pump.of("reader", () -> block.poll(handler, 16)));
            assertThat(seen).containsExactly("#1 1:PRE_OPEN->PRE_OPEN", "#2 2:PRE_OPEN->PRE_OPEN",
                "#3 1:PRE_OPEN->OPEN", "gap 4..8", "#9 1:HALTED->CLOSED");
            assertThat(block.missed()).isEqualTo(5);
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void runsAndTransitionsAtTwoToTheFiftyAreRefusedAndTheReceiverGoesOn()
    {
        try (TestDriver driver = TestDriver.start("keyed-2-50"))
        {
            final List<MalformedReason> told = new ArrayList<>();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 35),
                null, MalformedTold.into(told), 64);
            final ExclusivePublication intruder = driver.aeron.addExclusivePublication(TestDriver.IPC, 35);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, KeyedBusOverTheWireTest.PHASES,
                b -> b.capacity(256).maxKeys(16));
            Pump.until(intruder::isConnected, Duration.ofSeconds(5), "connected", receiver);
            final long limit = 1L << 50; // a keyed bus's sequences stay below it
            send(intruder, WireFormat.KEYED_SNAPSHOT_END, 5, limit, 80, Phase.PRE_OPEN, 0); // a new session's run
            Pump.until(() -> told.size() == 1, Duration.ofSeconds(10), "the run at 2^50 refused", receiver);
            assertThat(mirrored.bus()).isNull();

            sendRun(intruder, 5); // a whole run at 8: the mirror starts
            Pump.until(() -> mirrored.latestSequence() == 8, Duration.ofSeconds(10), "the mirror at 8", receiver);
            send(intruder, WireFormat.KEYED_SNAPSHOT_END, 5, limit, 80, Phase.PRE_OPEN, 0); // the live session's
            send(intruder, WireFormat.KEYED_TRANSITION, 5, limit, 90, Phase.HALTED, Phase.CLOSED, 1);
            send(intruder, WireFormat.KEYED_TRANSITION, 5, 9, 90, Phase.HALTED, Phase.CLOSED, 1);
            Pump.until(() -> mirrored.latestSequence() == 9, Duration.ofSeconds(10), "#9 after them", receiver);
            assertThat(told).containsExactly(MalformedReason.SEQUENCE, MalformedReason.SEQUENCE,
                MalformedReason.SEQUENCE);
            assertThat(receiver.isFailed()).isFalse();
            assertThat(mirrored.lost()).isZero();
            assertThat(mirrored.bus().get(1)).isEqualTo(Phase.CLOSED);
            receiver.close();
        }
    }

    private void sendRun(final Publication intruder, final long session)
    {
        send(intruder, WireFormat.KEYED_SNAPSHOT, session, 8, 0, Phase.HALTED, 1);
        send(intruder, WireFormat.KEYED_SNAPSHOT, session, 8, 1, Phase.OPEN, 3);
        send(intruder, WireFormat.KEYED_SNAPSHOT_END, session, 8, 80, Phase.PRE_OPEN, 2);
    }
}
