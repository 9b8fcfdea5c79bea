package io.statebus.aeron;

import io.aeron.ConcurrentPublication;
import io.aeron.Publication;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedSubscription;
import io.statebus.LongStateBus;
import io.statebus.LongSubscription;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bus of states, a long bus and a keyed bus (300 keys) on one UDP stream on 127.0.0.1, each mirrored under its
 * bus id; a keyed bridge sent to a bus id mirrored as a long bus, and injected short, unknown and mis-sized keyed
 * messages, are each refused with their reason and change nothing.
 */
class ManyKindsOverOneUdpStreamTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(128));

    private void offer(final Publication publication, final int length)
    {
        Pump.inject(publication, buffer, length);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void eachKindFollowsItsOwnBusAndMessagesOfTheWrongKindAreRefused() throws Exception
    {
        final List<MalformedReason> told = new CopyOnWriteArrayList<>();
        final KeyedBusOverTheWireTest.Source keyedSource = new KeyedBusOverTheWireTest.Source();
        try (TestDriver driver = TestDriver.start("kinds");
            StateBus<Phase> sessions = StateBus.builder(Phase.PRE_OPEN).build();
            LongStateBus position = StateBus.longBuilder(0).build();
            KeyedStateBus<Phase> orders = keyedSource.bus;
            KeyedStateBus<Phase> stray = KeyedStateBus.builder(Phase.class).build())
        {
            final String channel = TestDriver.udpChannel();
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(channel, 80);
            final ConcurrentPublication shared = driver.aeron.addPublication(channel, 80);
            final StateTable<Phase> phases = KeyedBusOverTheWireTest.PHASES;
            final TransitionBridge<Phase> sessionBridge = TransitionBridge.builder(sessions, phases, shared)
                .busId(1).build();
            final TransitionBridge<Long> positionBridge = TransitionBridge.builder(position, shared).busId(2).build();
            final TransitionBridge<Phase> orderBridge = TransitionBridge.builder(orders, phases, shared)
                .busId(3).build();
            final TransitionBridge<Phase> strayBridge = TransitionBridge.builder(stray, phases, shared)
                .busId(4).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub, null, MalformedTold.into(told), 256);
            final MirroredBus<Phase> sessionMirror = receiver.mirror(1, phases, b -> b);
            final MirroredLongBus positionMirror = receiver.mirrorLong(2, b -> b);
            final MirroredKeyedBus<Phase> orderMirror = receiver.mirrorKeyed(3, phases, KeyedBusOverTheWireTest::keyed);
            final MirroredLongBus wrongKind = receiver.mirrorLong(4, b -> b); // bus 4 is a keyed bus at the source
            final org.agrona.concurrent.Agent[] agents = {sessionBridge, positionBridge, orderBridge, strayBridge,
                receiver};
            Pump.until(() -> sessionMirror.bus() != null && positionMirror.bus() != null && orderMirror.bus() != null &&
                told.contains(MalformedReason.KIND), Duration.ofSeconds(10), "three mirrors, and bus 4 refused",
                agents);
            final Subscription<Phase> sessionSub = sessionMirror.bus().subscribe(Policy.BLOCK);
            final Recorder<Phase> sessionsSeen = new Recorder<>(sessionSub.joinSequence(), sessionSub.joinState());
            final LongSubscription positionSub = positionMirror.bus().subscribe(Policy.BLOCK);
            final LongBusOverTheWireTest.LongRecorder positionsSeen =
                new LongBusOverTheWireTest.LongRecorder(positionSub);
            final KeyedSubscription<Phase> orderSub = orderMirror.bus().subscribe(Policy.BLOCK);
            final KeyedBusOverTheWireTest.KeyedRecorder ordersSeen = new KeyedBusOverTheWireTest.KeyedRecorder(0);
            final org.agrona.concurrent.Agent[] all = {sessionBridge, positionBridge, orderBridge, strayBridge,
                receiver, new PollingAgent<>(sessionSub, sessionsSeen), positionsSeen.agent(positionSub),
                ordersSeen.agent(orderSub)};

            for (int i = 1; i <= 900; i++)
            {
                keyedSource.step(300);
                if (i % 3 == 0)
                {
                    sessions.set(sessions.get().next());
                    position.set(i * 31L);
                }
                if (i % 100 == 0)
                {
                    Pump.until(() -> orderBridge.subscription().lag() == 0 && sessionBridge.subscription().lag() == 0,
                        Duration.ofSeconds(10), "the bridges caught up", all);
                }
            }
            Pump.until(() -> sessionsSeen.lastSequence == 300 && positionsSeen.lastSequence == 300 &&
                ordersSeen.lastSequence == orders.latestSequence(), Duration.ofSeconds(10), "every bus at its mirror",
                all);

            assertThat(sessionsSeen.problems).isEmpty();
            assertThat(sessionsSeen.gaps).isEmpty();
            assertThat(positionsSeen.problems).isEmpty();
            assertThat(positionsSeen.gaps).isEmpty();
            assertThat(ordersSeen.problems).isEmpty();
            assertThat(sessionMirror.bus().get()).isEqualTo(sessions.get());
            assertThat(positionMirror.bus().get()).isEqualTo(position.get()).isEqualTo(900 * 31L);
            keyedSource.assertSameTable(orderMirror.bus());
            assertThat(wrongKind.bus()).isNull();
            assertThat(told).containsOnly(MalformedReason.KIND);

            // injected: a keyed message cut short, an unknown type, a keyed message with a long bus's length. First
            // the receiver takes all that was sent: a snapshot the stray bridge sent in the last cycles (one every
            // 100 ms, each refused as KIND) may still be on its way, and would be told after the clear
            final io.aeron.Image image = aeronSub.imageBySessionId(shared.sessionId());
            Pump.until(() -> image.position() == shared.position(), Duration.ofSeconds(10), "all that was sent taken",
                receiver);
            told.clear();
            final long refusedBefore = receiver.malformed();
            WireFormat.write(buffer, 0, WireFormat.KEYED_TRANSITION, (short)0, 3, phases.size(), phases.fingerprint(),
                orderMirror.session(), orders.latestSequence() + 1, 0, 0, 1, 42, 0);
            offer(shared, WireFormat.LENGTH + 4);
            buffer.putByte(WireFormat.TYPE_OFFSET, (byte)9);
            offer(shared, WireFormat.LENGTH + 8);
            buffer.putByte(WireFormat.TYPE_OFFSET, WireFormat.KEYED_TRANSITION);
            offer(shared, WireFormat.LENGTH + 16);
            Pump.until(() -> receiver.malformed() >= refusedBefore + 3, Duration.ofSeconds(10), "three refusals",
                receiver);
            assertThat(told).containsExactly(MalformedReason.TOO_SHORT, MalformedReason.TYPE, MalformedReason.LENGTH);
            assertThat(orderMirror.latestSequence()).isEqualTo(orders.latestSequence());
            keyedSource.assertSameTable(orderMirror.bus());
            org.agrona.CloseHelper.closeAll(sessionBridge, positionBridge, orderBridge, strayBridge, receiver);
        }
    }
}
