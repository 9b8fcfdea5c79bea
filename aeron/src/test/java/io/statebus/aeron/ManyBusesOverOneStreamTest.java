package io.statebus.aeron;

import io.aeron.ConcurrentPublication;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Two buses of different state types share one publication and one stream; each mirror sees only its own bus. */
class ManyBusesOverOneStreamTest
{
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void eachMirrorFollowsItsOwnBusOnASharedStream() throws Exception
    {
        final StateTable<String> links = StateTable.of(List.of("DOWN", "UP", "DEGRADED"));
        try (TestDriver driver = TestDriver.start("many");
            StateBus<Phase> sessions = StateBus.builder(Phase.PRE_OPEN).build();
            StateBus<String> link = StateBus.builder("DOWN", List.of("DOWN", "UP", "DEGRADED")).build())
        {
            final String channel = TestDriver.udpChannel();
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(channel, 70);
            final ConcurrentPublication shared = driver.aeron.addPublication(channel, 70);
            final TransitionBridge<Phase> sessionBridge = TransitionBridge.builder(sessions,
                StateTable.forEnum(Phase.class), shared).busId(1).build();
            final TransitionBridge<String> linkBridge = TransitionBridge.builder(link, links, shared).busId(2).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredBus<Phase> sessionMirror = receiver.mirror(1, StateTable.forEnum(Phase.class), b -> b);
            final MirroredBus<String> linkMirror = receiver.mirror(2, links, b -> b);
            Pump.until(() -> sessionMirror.bus() != null && linkMirror.bus() != null, Duration.ofSeconds(10),
                "both mirrors", sessionBridge, linkBridge, receiver);
            final Subscription<Phase> sessionSub = sessionMirror.bus().subscribe(Policy.BLOCK);
            final Subscription<String> linkSub = linkMirror.bus().subscribe(Policy.BLOCK);
            final Recorder<Phase> sessionRecorder = new Recorder<>(sessionSub.joinSequence(), sessionSub.joinState());
            final Recorder<String> linkRecorder = new Recorder<>(linkSub.joinSequence(), linkSub.joinState());

            for (int i = 0; i < 300; i++)
            {
                sessions.set(sessions.get().next());
                if (i % 3 == 0)
                {
                    link.set(link.get().equals("UP") ? (i % 2 == 0 ? "DEGRADED" : "DOWN") : "UP");
                }
            }
            Pump.until(() -> sessionRecorder.lastSequence == 300 && linkRecorder.lastSequence == link.latestSequence(),
                Duration.ofSeconds(10), "both buses at the mirrors", sessionBridge, linkBridge, receiver,
                new PollingAgent<>(sessionSub, sessionRecorder), new PollingAgent<>(linkSub, linkRecorder));

            assertThat(sessionRecorder.problems).isEmpty();
            assertThat(linkRecorder.problems).isEmpty();
            assertThat(sessionRecorder.gaps).isEmpty();
            assertThat(linkRecorder.gaps).isEmpty();
            assertThat(sessionRecorder.count).isEqualTo(300);
            assertThat(linkRecorder.count).isEqualTo(link.latestSequence());
            assertThat(sessionMirror.bus().get()).isEqualTo(sessions.get());
            assertThat(linkMirror.bus().get()).isEqualTo(link.get());
            assertThat(receiver.malformed()).isZero();
            assertThat(sessionMirror.session()).isEqualTo(sessionBridge.session());
            assertThat(linkMirror.session()).isEqualTo(linkBridge.session());
            sessionBridge.close();
            linkBridge.close();
            receiver.close();
        }
    }

    /**
     * The flip side of sharing a stream: a {@code BLOCK} subscriber of one mirrored bus a ring behind leaves its
     * message in the stream, and every message behind it waits too, whatever its bus (the README says so).
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aBlockSubscriberARingBehindHoldsEveryBusOnItsStream() throws Exception
    {
        final StateTable<Phase> phases = StateTable.forEnum(Phase.class);
        try (TestDriver driver = TestDriver.start("many-held");
            StateBus<Phase> slowBus = StateBus.builder(Phase.PRE_OPEN).build();
            StateBus<Phase> otherBus = StateBus.builder(Phase.PRE_OPEN).build())
        {
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(TestDriver.IPC, 71);
            final ConcurrentPublication shared = driver.aeron.addPublication(TestDriver.IPC, 71);
            final TransitionBridge<Phase> slowBridge = TransitionBridge.builder(slowBus, phases, shared).busId(1).build();
            final TransitionBridge<Phase> otherBridge = TransitionBridge.builder(otherBus, phases, shared).busId(2).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredBus<Phase> slowMirror = receiver.mirror(1, phases, b -> b.capacity(4));
            final MirroredBus<Phase> otherMirror = receiver.mirror(2, phases, b -> b);
            Pump.until(() -> slowMirror.bus() != null && otherMirror.bus() != null, Duration.ofSeconds(10),
                "both mirrors", slowBridge, otherBridge, receiver);
            final Subscription<Phase> slow = slowMirror.bus().subscribe(Policy.BLOCK); // never polled until the end
            for (int i = 0; i < 5; i++) // a ring of 4: the fifth is held back
            {
                slowBus.set(slowBus.get().next());
            }
            Pump.until(() -> slowMirror.latestSequence() == 4, Duration.ofSeconds(10), "1..4", slowBridge, receiver);
            otherBus.set(Phase.OPEN); // behind the held message in the stream
            Pump.forDuration(Duration.ofMillis(200), slowBridge, otherBridge, receiver);
            assertThat(otherMirror.latestSequence()).as("the other bus waits too").isZero();

            Pump.until(() -> otherMirror.latestSequence() == 1, Duration.ofSeconds(10), "released", slowBridge,
                otherBridge, receiver, Pump.of("slow", () -> slow.poll((t, end) -> { }, 16)));
            assertThat(slowMirror.latestSequence()).isEqualTo(5);
            slowBridge.close();
            otherBridge.close();
            receiver.close();
        }
    }
}
