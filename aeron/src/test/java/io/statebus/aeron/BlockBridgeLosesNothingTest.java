package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.Subscription;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A BLOCK bridge and a BLOCK mirror subscriber, small rings on both sides, a producer thread that publishes as fast
 * as it can: Aeron's back-pressure and the rings' hold the producer back, and the mirror's subscriber receives every
 * transition, in order, chained, with the source's sequences and timestamps.
 */
class BlockBridgeLosesNothingTest
{
    private static final int TRANSITIONS = 20_000;

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
}
