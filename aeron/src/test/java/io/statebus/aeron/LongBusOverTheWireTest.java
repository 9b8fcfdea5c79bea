package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.LongGap;
import io.statebus.LongStateBus;
import io.statebus.LongSubscription;
import io.statebus.LongTransition;
import io.statebus.LongTransitionHandler;
import io.statebus.Policy;
import io.statebus.StateBus;
import org.agrona.concurrent.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link LongStateBus} over Aeron IPC: the mirror's subscribers see every transition with the source's sequence,
 * values and timestamp, chained; a lapped {@code GAP} bridge is one exact gap; a mirror that joins late starts at the
 * source's sequence and value.
 */
class LongBusOverTheWireTest
{
    /** A value per sequence that a wrong or swapped long cannot pass for. */
    private static long valueAt(final long sequence)
    {
        return sequence * 0x9E3779B97F4A7C15L ^ (sequence << 40);
    }

    /** Records what a mirror's subscription delivers: each transition, each gap, and any break of the chain. */
    static final class LongRecorder implements LongTransitionHandler
    {
        final List<long[]> transitions = new ArrayList<>();
        final List<String> gaps = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        long lastSequence;
        long lastTo;

        LongRecorder(final LongSubscription sub)
        {
            lastSequence = sub.joinSequence();
            lastTo = sub.joinValue();
        }

        @Override
        public void onTransition(final LongTransition t, final boolean endOfBatch)
        {
            if (t.sequence() != lastSequence + 1 || t.from() != lastTo)
            {
                problems.add("#" + t.sequence() + " " + t.from() + "->" + t.to() + " after #" + lastSequence);
            }
            transitions.add(new long[] {t.sequence(), t.from(), t.to(), t.timestampNanos()});
            lastSequence = t.sequence();
            lastTo = t.to();
        }

        @Override
        public void onGap(final LongGap gap)
        {
            if (gap.firstMissed() != lastSequence + 1)
            {
                problems.add("gap " + gap.firstMissed() + " after #" + lastSequence);
            }
            gaps.add(gap.firstMissed() + ".." + gap.lastMissed());
            lastSequence = gap.lastMissed();
            lastTo = gap.resumeValue();
        }

        Agent agent(final LongSubscription sub)
        {
            return Pump.of("long-subscriber", () -> sub.poll(this, 256));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void everyTransitionArrivesWithTheSourcesSequenceValuesAndTimestamp() throws Exception
    {
        final long[] clock = {1_000};
        try (TestDriver driver = TestDriver.start("long-ipc");
            LongStateBus source = StateBus.longBuilder(0).capacity(256).clock(() -> clock[0] += 11).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 21);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 21);
            final TransitionBridge<Long> bridge = TransitionBridge.builder(source, publication).busId(4).build();
            final LongSubscription truth = source.subscribe(Policy.BLOCK);
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredLongBus mirrored = receiver.mirrorLong(4, b -> b.capacity(256));
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            final LongSubscription sub = mirrored.bus().subscribe(Policy.BLOCK);
            final LongRecorder got = new LongRecorder(sub);
            final LongRecorder expected = new LongRecorder(truth);
            final int count = 5_000;
            Pump.until(() -> got.lastSequence == count, Duration.ofSeconds(20), "every transition at the mirror",
                Pump.of("producer", () ->
                {
                    final long n = source.latestSequence();
                    if (n < count && n - bridge.subscription().position() < 128)
                    {
                        source.set(valueAt(n + 1));
                        return 1;
                    }
                    return 0;
                }), bridge, receiver, got.agent(sub), expected.agent(truth));

            assertThat(got.problems).isEmpty();
            assertThat(got.gaps).isEmpty();
            assertThat(got.transitions).hasSize(count);
            for (int i = 0; i < count; i++)
            {
                assertThat(got.transitions.get(i)).containsExactly(expected.transitions.get(i));
            }
            assertThat(got.transitions.get(count - 1)[2]).isEqualTo(valueAt(count));
            assertThat(mirrored.bus().get()).isEqualTo(source.get());
            assertThat(mirrored.lost()).isZero();
            assertThat(receiver.malformed()).isZero();
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aLappedGapBridgeIsOneExactGapAtTheMirror() throws Exception
    {
        try (TestDriver driver = TestDriver.start("long-gap");
            LongStateBus source = StateBus.longBuilder(0).capacity(16).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 22);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 22);
            final TransitionBridge<Long> bridge = TransitionBridge.builder(source, publication)
                .policy(Policy.GAP).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredLongBus mirrored = receiver.mirrorLong(0, b -> b.capacity(256));
            for (long n = 1; n <= 5; n++)
            {
                source.set(valueAt(n));
            }
            Pump.until(() -> mirrored.latestSequence() == 5, Duration.ofSeconds(10), "1..5", bridge, receiver);
            final LongSubscription sub = mirrored.bus().subscribe(Policy.BLOCK);
            final LongRecorder got = new LongRecorder(sub);
            for (long n = 6; n <= 105; n++)
            {
                source.set(valueAt(n)); // while the bridge does nothing: a ring of 16 laps it
            }
            Pump.until(() -> got.lastSequence == 105, Duration.ofSeconds(10), "105 at the subscriber", bridge,
                receiver, got.agent(sub));

            // the bridge resumed at the oldest transition still in its ring (105 - 16 + 1 = 90): 6..89 lost
            assertThat(bridge.subscription().missed()).isEqualTo(84);
            assertThat(got.gaps).containsExactly("6..89");
            assertThat(got.problems).isEmpty();
            assertThat(got.transitions).hasSize(16);
            assertThat(got.transitions.get(0)[1]).as("resumes from the source's value at 89").isEqualTo(valueAt(89));
            assertThat(sub.missed()).isEqualTo(84);
            assertThat(mirrored.lost()).isEqualTo(84);
            assertThat(mirrored.gaps()).isEqualTo(1);
            assertThat(mirrored.bus().get()).isEqualTo(valueAt(105));
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirrorThatJoinsLateStartsAtTheSourcesSequenceAndValue() throws Exception
    {
        try (TestDriver driver = TestDriver.start("long-late");
            LongStateBus source = StateBus.longBuilder(7).capacity(64).build())
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 23);
            final TransitionBridge<Long> bridge = TransitionBridge.builder(source, publication)
                .snapshotInterval(Duration.ofMillis(20)).counters(driver.aeron).build();
            for (long n = 1; n <= 40; n++)
            {
                source.set(valueAt(n));
                bridge.doWork(); // no mirror yet: dropped as not connected
            }
            assertThat(bridge.droppedNotConnected()).isEqualTo(40);
            try (StatebusStat stat = new StatebusStat(new java.io.File(driver.dir))) // as another process reads it
            {
                Pump.untilCounter(stat, "statebus bridge dropped not connected: ", 40, bridge);
                Pump.untilCounter(stat, "statebus bridge back-pressured: ", 0, bridge);
            }
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 23);
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredLongBus mirrored = receiver.mirrorLong(0, b -> b);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            assertThat(mirrored.bus().latestSequence()).isEqualTo(40);
            assertThat(mirrored.bus().get()).isEqualTo(valueAt(40));
            final LongSubscription sub = mirrored.bus().subscribe(Policy.BLOCK);
            final LongRecorder got = new LongRecorder(sub);
            for (long n = 41; n <= 60; n++)
            {
                source.set(valueAt(n));
            }
            Pump.until(() -> got.lastSequence == 60, Duration.ofSeconds(10), "60 at the subscriber", bridge,
                receiver, got.agent(sub));
            assertThat(got.problems).isEmpty();
            assertThat(got.gaps).isEmpty();
            assertThat(got.transitions).hasSize(20);
            assertThat(got.transitions.get(0)[1]).isEqualTo(valueAt(40));
            bridge.close();
            receiver.close();
        }
    }
}
