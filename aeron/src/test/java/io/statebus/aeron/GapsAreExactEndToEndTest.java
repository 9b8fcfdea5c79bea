package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wherever a transition is lost on the way, the mirror's subscribers get one gap notice with the exact range of
 * source sequences, then the chain goes on from the gap's resume state.
 */
class GapsAreExactEndToEndTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);

    /** Publishes {@code n} transitions on {@code bus}, cycling states. */
    private static void publish(final StateBus<Phase> bus, final int n)
    {
        for (int i = 0; i < n; i++)
        {
            bus.set(bus.get().next());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aLappedGapBridgeIsReportedAtTheMirrorWithTheSourcesExactRange() throws Exception
    {
        try (TestDriver driver = TestDriver.start("gap-bridge");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(16).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 11);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 11);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .policy(Policy.GAP).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredBus<Phase> mirrored = receiver.mirror(0, PHASES, b -> b.capacity(256));
            publish(source, 5);
            Pump.until(() -> mirrored.latestSequence() == 5, Duration.ofSeconds(10), "1..5 at the mirror",
                bridge, receiver);
            final Subscription<Phase> sub = mirrored.bus().subscribe(Policy.BLOCK);
            final Recorder<Phase> recorder = new Recorder<>(sub.joinSequence(), sub.joinState());
            assertThat(sub.joinSequence()).isEqualTo(5);

            publish(source, 100); // 6..105 while the bridge does nothing: a ring of 16 laps it
            Pump.until(() -> mirrored.latestSequence() == 105, Duration.ofSeconds(10), "105 at the mirror",
                bridge, receiver);
            Pump.until(() -> recorder.lastSequence == 105, Duration.ofSeconds(10), "the subscriber at 105",
                new PollingAgent<>(sub, recorder));

            // the bridge resumed at the oldest transition still in its ring (105 - 16 + 1 = 90): 6..89 lost
            assertThat(bridge.subscription().missed()).isEqualTo(84);
            assertThat(recorder.gaps).containsExactly(new Recorder.GapSeen<>(6, 89, 84, recorder.gaps.get(0).resume()));
            assertThat(recorder.problems).isEmpty();
            assertThat(recorder.count).isEqualTo(16);
            assertThat(mirrored.lost()).isEqualTo(84);
            assertThat(mirrored.gaps()).isEqualTo(1);
            assertThat(mirrored.bus().get()).isEqualTo(source.get());
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirrorTheDriverDroppedAsSlowRejoinsLiveAndWhatItSkippedIsOneExactGap() throws Exception
    {
        try (TestDriver driver = TestDriver.start("rejoin");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(1024).build())
        {
            // an untethered subscription that falls behind the fastest one is dropped by the driver (its image goes
            // away) and rejoins later at the live position: Aeron's way with a slow consumer among fast ones
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC + "|tether=false", 12);
            final io.aeron.Subscription fast = driver.aeron.addSubscription(TestDriver.IPC, 12);
            final org.agrona.concurrent.Agent fastMirror = Pump.of("fast", () -> fast.poll((b, o, l, h) -> { }, 256));
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 12);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredBus<Phase> mirrored = receiver.mirror(0, PHASES, b -> b);
            publish(source, 3);
            Pump.until(() -> mirrored.latestSequence() == 3, Duration.ofSeconds(10), "1..3", bridge, receiver,
                fastMirror);
            final Subscription<Phase> sub = mirrored.bus().subscribe(Policy.BLOCK);
            final Recorder<Phase> recorder = new Recorder<>(sub.joinSequence(), sub.joinState());

            // the mirror stops polling while the source goes on: the window fills, the driver drops the mirror
            Pump.until(() -> aeronSub.imageCount() == 0, Duration.ofSeconds(15), "the mirror dropped",
                bridge, fastMirror, Pump.of("producer", () ->
                {
                    if (source.latestSequence() - bridge.subscription().position() < 512)
                    {
                        publish(source, 1);
                    }
                    return 1;
                }));
            publish(source, 200); // while it is away
            Pump.until(() -> aeronSub.imageCount() == 1, Duration.ofSeconds(15), "the mirror back", bridge, receiver,
                fastMirror);
            publish(source, 2);
            final long last = source.latestSequence();
            // more than a ring was skipped: the mirror's BLOCK subscriber takes the gap notice before the rest comes
            Pump.until(() -> recorder.lastSequence == last, Duration.ofSeconds(15), "the subscriber at the source",
                bridge, receiver, fastMirror, new PollingAgent<>(sub, recorder));

            // one gap notice; the Recorder checked that it starts right after the last transition received and that
            // the next one received follows it, so its range is exactly what never arrived
            assertThat(recorder.problems).isEmpty();
            assertThat(recorder.gaps).hasSize(1);
            final Recorder.GapSeen<Phase> gap = recorder.gaps.get(0);
            assertThat(gap.first()).isGreaterThan(3);
            assertThat(gap.last()).isLessThan(last); // it rejoined where the fast subscriber was: some came after
            assertThat(gap.missed()).isEqualTo(gap.last() - gap.first() + 1);
            assertThat(recorder.count + gap.missed()).isEqualTo(last - 3);
            assertThat(mirrored.lost()).isEqualTo(gap.missed());
            assertThat(mirrored.gaps()).isEqualTo(1);
            assertThat(mirrored.bus().get()).isEqualTo(source.get());
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aLappedGapSubscriberOfTheMirrorGetsTheSourcesExactRange() throws Exception
    {
        try (TestDriver driver = TestDriver.start("mirror-gap");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(1024).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 13);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 13);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredBus<Phase> mirrored = receiver.mirror(0, PHASES, b -> b.capacity(16));
            publish(source, 10);
            Pump.until(() -> mirrored.latestSequence() == 10, Duration.ofSeconds(10), "1..10", bridge, receiver);
            final Subscription<Phase> sub = mirrored.bus().subscribe(Policy.GAP);
            final Recorder<Phase> recorder = new Recorder<>(sub.joinSequence(), sub.joinState());

            publish(source, 100); // 11..110; the mirror's ring of 16 laps its GAP subscriber
            Pump.until(() -> mirrored.latestSequence() == 110, Duration.ofSeconds(10), "110", bridge, receiver);
            Pump.until(() -> recorder.lastSequence == 110, Duration.ofSeconds(10), "the subscriber at 110",
                new PollingAgent<>(sub, recorder));

            assertThat(recorder.problems).isEmpty();
            // the mirror's ring holds 95..110: 11..94 missed, in the source's sequences
            assertThat(recorder.gaps).hasSize(1);
            assertThat(recorder.gaps.get(0).first()).isEqualTo(11);
            assertThat(recorder.gaps.get(0).last()).isEqualTo(94);
            assertThat(sub.missed()).isEqualTo(84);
            assertThat(sub.delivered() + sub.missed()).isEqualTo(100);
            assertThat(mirrored.lost()).isZero();
            bridge.close();
            receiver.close();
        }
    }
}
