package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedSubscription;
import io.statebus.LongStateBus;
import io.statebus.LongSubscription;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.Subscription;
import io.statebus.aeron.KeyedBusOverTheWireTest.KeyedRecorder;
import io.statebus.aeron.LongBusOverTheWireTest.LongRecorder;
import org.agrona.concurrent.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A BLOCK bridge and a BLOCK mirror subscriber, small rings on both sides, a producer thread that publishes as fast
 * as it can: Aeron's back-pressure and the rings' hold the producer back, and the mirror's subscriber receives every
 * transition, in order, chained, with the source's sequences and timestamps. The same for a long bus and a keyed bus,
 * whose transitions travel in runs (wire version 6): a mirror's subscriber that reads a few at a time from a ring of
 * 16 holds runs of up to 42 back mid-way, and each goes on where it stopped.
 */
class BlockBridgeLosesNothingTest
{
    private static final int TRANSITIONS = 20_000;
    private static final int RUN_TRANSITIONS = 6_000;
    private static final int SOURCE_RING = 256;
    private static final int MIRROR_RING = 16;
    private static final int SLOW_READS = 3; // the most a poll of the mirror's subscriber takes

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ipc", "udp"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyTransitionArrivesInOrderChainedWithTheSourcesSequencesAndTimestamps(final String transport)
        throws Exception
    {
        final String channel = transport.equals("ipc") ? TestDriver.IPC : TestDriver.udpChannel();
        final AtomicLong clock = new AtomicLong(1_000);
        try (TestDriver driver = TestDriver.start("block-" + transport);
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(64)
                .producerMode(ProducerMode.SINGLE).clock(() -> clock.addAndGet(7)).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(channel, 10);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(channel, 10);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, StateTable.forEnum(Phase.class),
                publication).busId(3).policy(Policy.BLOCK).counters(driver.aeron).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub, driver.aeron, new MirrorListener()
            {
            }, 64);
            final MirroredBus<Phase> mirrored = receiver.mirror(3, StateTable.forEnum(Phase.class), b -> b.capacity(64));

            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror's bus", bridge, receiver);
            final StateBus<Phase> mirror = mirrored.bus();
            assertThat(mirror.latestSequence()).isZero();
            assertThat(mirror.get()).isEqualTo(Phase.PRE_OPEN);
            final Subscription<Phase> sub = mirror.subscribe(Policy.BLOCK);
            final Recorder<Phase> recorder = new Recorder<>(sub.joinSequence(), sub.joinState());

            final AtomicReference<Throwable> producerFailure = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    Phase next = Phase.PRE_OPEN;
                    for (int i = 0; i < TRANSITIONS; i++)
                    {
                        next = next.next();
                        source.set(next);
                    }
                }
                catch (final Throwable ex)
                {
                    producerFailure.set(ex);
                }
            }, "producer");
            producer.start();
            final org.agrona.concurrent.Agent subscriber = new PollingAgent<>(sub, recorder);
            Pump.until(() -> recorder.count == TRANSITIONS, Duration.ofSeconds(45), "every transition at the mirror",
                bridge, receiver, subscriber);
            producer.join(5_000);

            assertThat(producerFailure.get()).isNull();
            assertThat(recorder.problems).isEmpty();
            assertThat(recorder.gaps).isEmpty();
            assertThat(recorder.lastSequence).isEqualTo(TRANSITIONS);
            // the source's own record of its last transition (still in its ring) has the timestamp the mirror saw
            final Subscription<Phase> replay = source.subscribe(Policy.GAP, TRANSITIONS);
            final long[] sourceTimestamp = {-1};
            replay.poll((t, end) -> sourceTimestamp[0] = t.timestampNanos(), 1);
            assertThat(recorder.lastTimestamp).isEqualTo(sourceTimestamp[0]).isGreaterThan(1_000);
            assertThat(recorder.timestampsIncreasing).isTrue();
            assertThat(mirror.get()).isEqualTo(source.get());
            assertThat(mirrored.lost()).isZero();
            assertThat(bridge.sent()).isEqualTo(TRANSITIONS);
            assertThat(bridge.droppedNotConnected()).isZero();
            assertThat(bridge.subscription().missed()).isZero();
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aLongBusRunsHeldBackMidWayBySlowMirrorSubscriberLoseNothing() throws Exception
    {
        final long[] clock = {1_000};
        try (TestDriver driver = TestDriver.start("block-long");
            LongStateBus source = StateBus.longBuilder(0).capacity(SOURCE_RING).clock(() -> clock[0] += 11).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 15);
            final int[] longest = {0};
            final Agent spy = longestRun(driver.aeron.addSubscription(TestDriver.IPC, 15), longest);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 15);
            final TransitionBridge<Long> bridge = TransitionBridge.builder(source, publication).busId(5).build();
            final LongSubscription truth = source.subscribe(Policy.BLOCK);
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredLongBus mirrored = receiver.mirrorLong(5, b -> b.capacity(MIRROR_RING));
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver, spy);
            final LongSubscription sub = mirrored.bus().subscribe(Policy.BLOCK);
            final LongRecorder got = new LongRecorder(sub);
            final LongRecorder expected = new LongRecorder(truth);
            final Agent producer = bursts(source::latestSequence,
                () -> Math.min(bridge.subscription().position(), truth.position()),
                () -> source.set(source.latestSequence() * 0x9E3779B97F4A7C15L + 17));
            Pump.until(() -> got.lastSequence == RUN_TRANSITIONS && expected.lastSequence == RUN_TRANSITIONS,
                Duration.ofSeconds(45), "every transition at the mirror's slow subscriber", producer, bridge, receiver,
                spy, expected.agent(truth), Pump.of("slow subscriber", () -> sub.poll(got, SLOW_READS)));

            assertThat(longest[0]).as("a run longer than the mirror's ring: held back mid-way")
                .isGreaterThan(MIRROR_RING);
            assertThat(got.problems).isEmpty();
            assertThat(got.gaps).isEmpty();
            assertThat(got.transitions).hasSize(RUN_TRANSITIONS);
            for (int i = 0; i < RUN_TRANSITIONS; i++) // sequence, from, to, timestamp: the source's
            {
                assertThat(got.transitions.get(i)).containsExactly(expected.transitions.get(i));
            }
            assertThat(mirrored.bus().get()).isEqualTo(source.get());
            assertThat(mirrored.lost()).isZero();
            assertThat(receiver.malformed()).isZero();
            assertThat(bridge.sent()).isEqualTo(RUN_TRANSITIONS);
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aKeyedBusRunsHeldBackMidWayBySlowMirrorSubscriberLoseNothing() throws Exception
    {
        final KeyedBusOverTheWireTest.Source source = new KeyedBusOverTheWireTest.Source();
        try (TestDriver driver = TestDriver.start("block-keyed"); KeyedStateBus<Phase> bus = source.bus)
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 16);
            final int[] longest = {0};
            final Agent spy = longestRun(driver.aeron.addSubscription(TestDriver.IPC, 16), longest);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 16);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(bus, StateTable.forEnum(Phase.class),
                publication).busId(6).build();
            final KeyedSubscription<Phase> truth = bus.subscribe(Policy.BLOCK);
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(6, StateTable.forEnum(Phase.class),
                b -> KeyedBusOverTheWireTest.keyed(b).capacity(MIRROR_RING));
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver, spy);
            final KeyedSubscription<Phase> sub = mirrored.bus().subscribe(Policy.BLOCK);
            final KeyedRecorder got = new KeyedRecorder(0);
            final KeyedRecorder expected = new KeyedRecorder(0);
            final Agent producer = bursts(bus::latestSequence,
                () -> Math.min(bridge.subscription().position(), truth.position()), () -> source.step(500));
            Pump.until(() -> got.lastSequence == RUN_TRANSITIONS && expected.lastSequence == RUN_TRANSITIONS,
                Duration.ofSeconds(45), "every transition at the mirror's slow subscriber", producer, bridge, receiver,
                spy, expected.agent(truth), Pump.of("slow subscriber", () -> sub.poll(got, SLOW_READS)));

            assertThat(longest[0]).as("a run longer than the mirror's ring: held back mid-way")
                .isGreaterThan(MIRROR_RING);
            assertThat(got.problems).isEmpty(); // in order, each key's chain kept, no gap
            // sequence, key, from, to, timestamp: the source's
            assertThat(got.seen).hasSize(RUN_TRANSITIONS).isEqualTo(expected.seen);
            assertThat(got.seen).anyMatch(s -> s.contains("->CLOSED"));
            source.assertSameTable(mirrored.bus());
            assertThat(mirrored.lost()).isZero();
            assertThat(receiver.malformed()).isZero();
            assertThat(bridge.sent()).isEqualTo(RUN_TRANSITIONS);
            bridge.close();
            receiver.close();
        }
    }

    /**
     * Publishes up to 64 transitions a duty cycle, never more than the source's ring holds past its slowest BLOCK
     * subscription (so the test thread never waits for itself): the bridge takes long batches and sends long runs.
     */
    private static Agent bursts(final LongSupplier latest, final LongSupplier slowest, final Runnable publishOne)
    {
        return Pump.of("producer", () ->
        {
            int tries = 0;
            while (tries < 64 && latest.getAsLong() < RUN_TRANSITIONS &&
                latest.getAsLong() - slowest.getAsLong() < SOURCE_RING - 1)
            {
                publishOne.run();
                tries++;
            }
            return tries;
        });
    }

    /** Reads the stream as a second subscriber and notes the most transitions one message carried. */
    private static Agent longestRun(final io.aeron.Subscription spy, final int[] longest)
    {
        return Pump.of("spy", () -> spy.poll((buffer, offset, length, header) ->
        {
            final byte type = WireFields.type(buffer, offset);
            if (type == WireFormat.LONG_TRANSITION || type == WireFormat.KEYED_TRANSITION)
            {
                final int kind = WireFormat.kindOf(type);
                longest[0] = Math.max(longest[0], 1 + ExtendedRun.entries(kind, length - WireFormat.LENGTH));
            }
        }, 256));
    }
}
