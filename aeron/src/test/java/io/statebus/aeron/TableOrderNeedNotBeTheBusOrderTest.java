package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.Policy;
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
 * A bridge sends states by its table's ids, whatever order the source bus lists them in: the bridge learns each bus
 * index's table id from the state itself, so a mirror of the table sees the source's states, not the states at the
 * source's indexes.
 */
class TableOrderNeedNotBeTheBusOrderTest
{
    private static final List<String> BUS_ORDER = List.of("UP", "DEGRADED", "DOWN");
    private static final StateTable<String> TABLE = StateTable.of(List.of("DOWN", "UP", "DEGRADED"));

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theMirrorSeesTheSourcesStatesNotItsIndexes() throws Exception
    {
        try (TestDriver driver = TestDriver.start("order");
            StateBus<String> link = StateBus.builder("DOWN", BUS_ORDER).build())
        {
            final String channel = TestDriver.IPC;
            final io.aeron.Subscription aeronSub = driver.aeron.addSubscription(channel, 71);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(channel, 71);
            final TransitionBridge<String> bridge = TransitionBridge.builder(link, TABLE, publication).busId(3).build();
            final MirrorReceiver receiver = new MirrorReceiver(aeronSub);
            final MirroredBus<String> mirror = receiver.mirror(3, TABLE, b -> b);
            Pump.until(() -> mirror.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            final Subscription<String> mirrorSub = mirror.bus().subscribe(Policy.BLOCK);
            final Recorder<String> recorder = new Recorder<>(mirrorSub.joinSequence(), mirrorSub.joinState());
            final List<String> seen = new ArrayList<>();
            final List<String> sent = new ArrayList<>();
            final String[] cycle = {"UP", "DEGRADED", "UP", "DOWN"};
            for (int i = 0; i < 200; i++)
            {
                final String from = link.get();
                link.set(cycle[i % cycle.length]);
                sent.add(from + "->" + link.get());
            }
            Pump.until(() -> recorder.lastSequence == link.latestSequence(), Duration.ofSeconds(10),
                "every transition at the mirror", bridge, receiver, new PollingAgent<>(mirrorSub, (t, end) ->
                {
                    seen.add(t.from() + "->" + t.to());
                    recorder.onTransition(t, end);
                }));

            assertThat(recorder.problems).isEmpty();
            assertThat(recorder.gaps).isEmpty();
            assertThat(seen).containsExactlyElementsOf(sent.subList(sent.size() - seen.size(), sent.size()));
            assertThat(seen).hasSize((int)(link.latestSequence() - mirrorSub.joinSequence()));
            assertThat(mirror.bus().get()).isEqualTo(link.get());
            assertThat(receiver.malformed()).isZero();
            bridge.close();
            receiver.close();
        }
    }
}
