package io.statebus.aeron;

import io.statebus.KeyedStateBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.statebus.aeron.KeyedBusOverTheWireTest.PHASES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 9 over the wire: once a keyed mirror's local bus is closed (by the application, or with the mirror), a
 * message that arrives later changes nothing: its key table ({@code get}, {@code isOpen}, {@code forEachOpenKey})
 * stays as it was at close, also for an explicit retirement, which publishes no transition and so never met the
 * closed ring.
 */
class ClosedKeyedMirrorChangesNothingTest
{
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aRetirementThatArrivesAfterTheLocalBusClosedLeavesItsKeyTableAsAtClose() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-closed");
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 47)).snapshotInterval(Duration.ofHours(1)).build();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 47));
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, KeyedBusOverTheWireTest::keyed);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            final KeyedStateBus<Phase> local = mirrored.bus();
            for (long key = 1; key <= 5; key++)
            {
                source.open(key, Phase.OPEN);
            }
            Pump.until(() -> mirrored.latestSequence() == 5, Duration.ofSeconds(10), "the mirror at 5", bridge,
                receiver);
            local.close(); // the application is done with it
            final long received = mirrored.received();
            source.retire(3);
            Pump.until(() -> mirrored.received() > received, Duration.ofSeconds(10), "the retirement received",
                bridge, receiver);
            assertThat(local.isOpen(3)).as("closed before the retirement came").isTrue();
            assertThat(local.get(3)).isEqualTo(Phase.OPEN);
            final List<Long> open = new ArrayList<>();
            local.forEachOpenKey((key, state, sequence) -> open.add(key));
            assertThat(open).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);
            bridge.close();
            receiver.close();
        }
    }
}
