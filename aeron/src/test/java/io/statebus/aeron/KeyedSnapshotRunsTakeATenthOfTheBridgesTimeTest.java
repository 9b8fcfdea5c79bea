package io.statebus.aeron;

import io.statebus.KeyedStateBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.statebus.aeron.KeyedBusOverTheWireTest.PHASES;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A keyed bridge takes nothing from its bus while a snapshot run goes, so after a run the next periodic one waits
 * nine times as long as that one took: a run that back-pressure held up does not leave the bridge sending runs back
 * to back at a short interval.
 */
class KeyedSnapshotRunsTakeATenthOfTheBridgesTimeTest
{
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aRunHeldUpByBackPressureDelaysTheNextOneByNineTimesItsLength() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-run-pacing");
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            for (long key = 1; key <= 2_000; key++)
            {
                source.open(key, Phase.OPEN); // a run of 25 pages, 35 KB: more than the publication's 32 KB window
            }
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 41))
                .snapshotInterval(Duration.ofMillis(1)).build();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 41));
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, KeyedBusOverTheWireTest::keyed);
            Pump.until(() -> bridge.snapshots() == 1, Duration.ofSeconds(5), "the run for the new mirror", bridge);
            // the run waits at the window's end for 300 ms: the mirror reads nothing
            Pump.forDuration(Duration.ofMillis(300), bridge);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(5), "the run's end", bridge, receiver);

            // a run every 1 ms before; now none for at least 9 x 300 ms
            Pump.forDuration(Duration.ofSeconds(1), bridge, receiver);
            assertThat(bridge.snapshots()).as("runs in the second after a run of 300 ms").isEqualTo(1);
            Pump.until(() -> bridge.snapshots() == 2, Duration.ofSeconds(15), "the next run", bridge, receiver);
            bridge.close();
            receiver.close();
        }
    }
}
