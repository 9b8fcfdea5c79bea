package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    void transitionsDroppedWhileThePublicationWasNotConnectedAreOneExactGap() throws Exception
    {
        try (TestDriver driver = TestDriver.start("not-connected");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(1024).build())
        {
            // an untethered subscription that stops polling is dropped by the driver and rejoins later at the live
            // position: the publication is not connected in between (Aeron's slow-consumer handling)
            final String channel = TestDriver.IPC + "|tether=false";
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(channel, 12);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 12);
            final List<long[]> dropped = new ArrayList<>();
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .listener(new BridgeListener()
                {
                    @Override
                    public void onDroppedNotConnected(final long firstDropped, final long lastDropped)
                    {
                        dropped.add(new long[] {firstDropped, lastDropped});
                    }
                }).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredBus<Phase> mirrored = receiver.mirror(0, PHASES, b -> b);
            publish(source, 3);
            Pump.until(() -> mirrored.latestSequence() == 3, Duration.ofSeconds(10), "1..3", bridge, receiver);
            final Subscription<Phase> sub = mirrored.bus().subscribe(Policy.BLOCK);
            final Recorder<Phase> recorder = new Recorder<>(sub.joinSequence(), sub.joinState());

            // the mirror stops polling: the bridge fills the window, the driver drops the mirror, the bridge drops
            final long[] published = {3};
            Pump.until(() -> bridge.droppedNotConnected() >= 5, Duration.ofSeconds(15), "drops while not connected",
                bridge, Pump.of("producer", () ->
                {
                    if (source.latestSequence() - bridge.subscription().position() < 512)
                    {
                        publish(source, 1);
                        published[0]++;
                    }
                    return 1;
                }));
            publish(source, 2);
            final long last = source.latestSequence();
            Pump.until(() -> mirrored.latestSequence() == last, Duration.ofSeconds(15), "the mirror back at the source",
                bridge, receiver);
            Pump.until(() -> recorder.lastSequence == last, Duration.ofSeconds(10), "the subscriber at the source",
                new PollingAgent<>(sub, recorder));

            assertThat(recorder.problems).isEmpty();
            assertThat(dropped).isNotEmpty();
            // what the mirror reports lost is what the bridge dropped (and what the driver dropped with the image)
            assertThat(recorder.gaps).hasSize(1);
            final Recorder.GapSeen<Phase> gap = recorder.gaps.get(0);
            assertThat(gap.first()).isGreaterThan(3);
            assertThat(gap.first()).isLessThanOrEqualTo(dropped.get(0)[0]);
            assertThat(gap.last()).isGreaterThanOrEqualTo(dropped.get(dropped.size() - 1)[1]);
            assertThat(gap.missed()).isEqualTo(gap.last() - gap.first() + 1);
            assertThat(recorder.count + gap.missed()).isEqualTo(last - 3);
            assertThat(mirrored.lost()).isEqualTo(gap.missed());
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
