package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.logbuffer.FragmentHandler;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a bridge puts on the stream, its counters as another process reads them, and its faults. */
class BridgeOnTheWireTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);

    /** One decoded message, or one transition of a run. */
    private record Message(byte type, short flags, int busId, int states, long session, long sequence, long timestamp,
        int from, int to)
    {
    }

    private static FragmentHandler into(final List<Message> messages)
    {
        return (buffer, offset, length, header) ->
        {
            assertThat(WireFormat.check(buffer, offset, length)).isNull();
            final byte type = WireFields.type(buffer, offset);
            final short flags = WireFields.flags(buffer, offset);
            final int busId = WireFields.busId(buffer, offset);
            final int states = WireFields.stateCount(buffer, offset);
            final long session = WireFields.session(buffer, offset);
            messages.add(new Message(type, flags, busId, states, session, WireFields.sequence(buffer, offset),
                WireFields.timestamp(buffer, offset), WireFields.fromId(buffer, offset),
                WireFields.toId(buffer, offset)));
            // a run: its further transitions, each as the message of its own it stands for
            for (int entry = offset + WireFormat.LENGTH; entry < offset + length; entry += WireFormat.ENTRY_LENGTH)
            {
                final int ids = WireFields.entryStates(buffer, entry);
                messages.add(new Message(type, flags, busId, states, session, WireFields.entrySequence(buffer, entry),
                    WireFields.entryTimestamp(buffer, entry), WireFields.fromId(ids), WireFields.toId(ids)));
            }
        };
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aSnapshotOfTheJoinPointThenEveryTransitionWithItsSequenceStatesAndTimestamp() throws Exception
    {
        final AtomicLong clock = new AtomicLong(500);
        try (TestDriver driver = TestDriver.start("wire");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).clock(clock::incrementAndGet).build())
        {
            source.set(Phase.OPEN); // the bridge joins at 1: its from is not known to it
            final io.aeron.Subscription raw = driver.aeron.addSubscription(TestDriver.IPC, 50);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 50);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication).busId(9)
                .snapshotInterval(Duration.ofSeconds(30)).counters(driver.aeron).build();
            final Subscription<Phase> other = source.subscribe(Policy.GAP);
            bridge.exposeCounters("audit", other);
            source.set(Phase.HALTED);
            source.set(Phase.OPEN);
            final List<Message> messages = new ArrayList<>();
            final FragmentHandler handler = into(messages);
            Pump.until(() -> messages.size() == 3, Duration.ofSeconds(10), "snapshot + 2 transitions", bridge,
                Pump.of("raw", () -> raw.poll(handler, 10)));

            final long s = bridge.session();
            assertThat(messages).containsExactly(
                new Message(WireFormat.SNAPSHOT, WireFormat.FLAG_FROM_UNKNOWN, 9, 4, s, 1, 0, 1, 1),
                new Message(WireFormat.TRANSITION, (short)0, 9, 4, s, 2, 502, 1, 2),
                new Message(WireFormat.TRANSITION, (short)0, 9, 4, s, 3, 503, 2, 1));
            assertThat(bridge.sent()).isEqualTo(2);
            assertThat(bridge.snapshots()).isEqualTo(1);

            try (StatebusStat stat = new StatebusStat(new File(driver.dir)))
            {
                final String suffix = ": bus=9 session=" + Long.toHexString(s);
                Pump.untilCounter(stat, "statebus bridge sent" + suffix, 2, bridge); // refreshed by the duty cycle
                assertThat(stat.value("statebus source published" + suffix)).isEqualTo(3L);
                assertThat(stat.value("statebus bridge sent" + suffix)).isEqualTo(2L);
                assertThat(stat.value("statebus delivered" + suffix + " bridge")).isEqualTo(2L);
                assertThat(stat.value("statebus lag" + suffix + " audit")).isEqualTo(2L);
                assertThat(stat.rows()).allSatisfy(row -> assertThat(CounterTypes.isStateBus(row.typeId())).isTrue());
            }
            bridge.close();
            try (StatebusStat stat = new StatebusStat(new File(driver.dir)))
            {
                // the driver frees closed counters asynchronously
                Pump.until(() -> stat.rows().isEmpty(), Duration.ofSeconds(5), "the counters closed with the bridge");
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aClosedPublicationFailsTheBridgeClearlyAndReleasesTheSource() throws Exception
    {
        try (TestDriver driver = TestDriver.start("closed-pub");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(4).build())
        {
            final List<Throwable> failures = new ArrayList<>();
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 51);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .listener(new BridgeListener()
                {
                    @Override
                    public void onFailed(final Throwable cause)
                    {
                        failures.add(cause);
                    }
                }).build();
            source.set(Phase.OPEN);
            publication.close();
            assertThatThrownBy(bridge::doWork).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the publication is closed").hasMessageContaining("transition 1 and later");
            assertThat(failures).hasSize(1);
            assertThat(bridge.isFailed()).isTrue();
            assertThat(bridge.doWork()).isZero();
            for (int i = 0; i < 20; i++) // a ring of 4: the failed bridge no longer holds the producer
            {
                assertThat(source.trySet(source.get().next(), Duration.ofSeconds(1))).isTrue();
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aStateItsTableLacksFailsTheBridgeOnceClearlyAndReleasesTheSource() throws Exception
    {
        try (TestDriver driver = TestDriver.start("unknown-state");
            StateBus<String> source = StateBus.builder("A", List.of("A", "B", "C")).capacity(4).build())
        {
            final List<Throwable> failures = new ArrayList<>();
            final TransitionBridge<String> bridge = TransitionBridge.builder(source, StateTable.of(List.of("A", "B")),
                driver.aeron.addExclusivePublication(TestDriver.IPC, 55)).listener(new BridgeListener()
                {
                    @Override
                    public void onFailed(final Throwable cause)
                    {
                        failures.add(cause);
                    }
                }).build();
            source.set("C"); // a state the bus may take, which the bridge's table does not hold
            assertThatThrownBy(bridge::doWork).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("C is not one of this table's states");
            assertThat(failures).hasSize(1);
            assertThat(bridge.isFailed()).isTrue();
            assertThat(bridge.doWork()).isZero();
            for (int i = 0; i < 20; i++) // a ring of 4: the failed bridge no longer holds the producer
            {
                assertThat(source.trySet(i % 2 == 0 ? "A" : "B", Duration.ofSeconds(1))).isTrue();
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aStallIsReportedOnceTheSourceWaitsAndNothingIsLostWhenTheMirrorResumes() throws Exception
    {
        try (TestDriver driver = TestDriver.start("stall");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(64).build())
        {
            final List<Long> stalls = new ArrayList<>();
            final io.aeron.Subscription slow = driver.aeron.addSubscription(TestDriver.IPC, 52);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 52);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .counters(driver.aeron).stallThreshold(Duration.ofMillis(50)).listener(new BridgeListener()
                {
                    @Override
                    public void onStalled(final long sequence, final long stalledNanos)
                    {
                        stalls.add(sequence);
                    }
                }).build();
            Pump.until(publication::isConnected, Duration.ofSeconds(5), "connected", bridge);
            // a subscriber that does not poll: 64 KiB terms fill, the bridge is back-pressured, then the ring
            final boolean[] held = {false};
            Pump.until(() -> held[0] && stalls.size() == 1, Duration.ofSeconds(15), "a stall and a held producer",
                bridge, Pump.of("producer", () ->
                {
                    try
                    {
                        held[0] |= !source.trySet(source.get().next(), Duration.ZERO);
                    }
                    catch (final InterruptedException ex)
                    {
                        throw new AssertionError(ex);
                    }
                    return 1;
                }));
            assertThat(bridge.stalls()).isEqualTo(1);
            assertThat(bridge.backPressured()).isPositive();
            try (StatebusStat stat = new StatebusStat(new java.io.File(driver.dir))) // as another process reads them
            {
                Pump.untilCounter(stat, "statebus bridge stalls: ", 1, bridge);
                Pump.until(() -> stat.value("statebus bridge back-pressured: ") > 0 &&
                    stat.value("statebus bridge snapshots: ") == bridge.snapshots(), Duration.ofSeconds(10),
                    "back-pressured and snapshots counters", bridge);
            }
            final long published = source.latestSequence();
            final List<Message> messages = new ArrayList<>();
            final FragmentHandler handler = into(messages);
            Pump.until(() -> !messages.isEmpty() && messages.get(messages.size() - 1).sequence() == published,
                Duration.ofSeconds(10), "everything after the stall", bridge, Pump.of("slow", () -> slow.poll(handler, 64)));
            final long[] sequences = messages.stream().filter(m -> m.type() == WireFormat.TRANSITION)
                .mapToLong(Message::sequence).toArray();
            assertThat(sequences).hasSize((int)published);
            for (int i = 0; i < sequences.length; i++)
            {
                assertThat(sequences[i]).isEqualTo(i + 1);
            }
            assertThat(bridge.droppedNotConnected()).isZero();
            bridge.close();
        }
    }
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aFailedBridgeOrReceiverLeavesItsLastCountsInTheCounters() throws Exception
    {
        try (TestDriver driver = TestDriver.start("fail-counts");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(64).build();
            StatebusStat stat = new StatebusStat(new File(driver.dir)))
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 54);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 54);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication).busId(5)
                .counters(driver.aeron).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub, driver.aeron, new MirrorListener()
            {
            }, 64);
            final MirroredBus<Phase> mirrored = receiver.mirror(5, PHASES, b -> b);
            Pump.until(() -> mirrored.latestSequence() == 0, Duration.ofSeconds(5), "the mirror", bridge, receiver);
            Pump.forDuration(Duration.ofMillis(20), bridge, receiver); // idle: every counter refreshed
            source.set(Phase.OPEN);
            source.set(Phase.HALTED);
            bridge.doWork(); // a busy cycle: sends 1..2, does not read the clock
            receiver.doWork(); // the same: 1..2 in the mirror
            publication.close();
            aeronSub.close();
            source.set(Phase.CLOSED);
            assertThatThrownBy(bridge::doWork).hasMessageContaining("the publication is closed");
            assertThatThrownBy(receiver::doWork).hasMessageContaining("is closed");

            final String suffix = ": bus=5 session=" + Long.toHexString(bridge.session());
            assertThat(bridge.sent()).isEqualTo(2);
            assertThat(stat.value("statebus bridge sent" + suffix)).as("sent, from outside").isEqualTo(2L);
            assertThat(stat.value("statebus source published" + suffix)).isEqualTo(3L);
            assertThat(stat.value("statebus mirror latest: bus=5")).as("latest, from outside").isEqualTo(2L);
            assertThat(stat.value("statebus mirror received: bus=5")).isEqualTo(mirrored.received());
            bridge.close();
            receiver.close();
        }
    }
}
