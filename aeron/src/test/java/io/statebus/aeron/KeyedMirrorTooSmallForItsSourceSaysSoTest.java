package io.statebus.aeron;

import io.statebus.KeyedStateBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.statebus.aeron.KeyedBusOverTheWireTest.PHASES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A keyed mirror built with a smaller {@code maxKeys} than its source's open keys does not start, and says why: its
 * runs are refused (counted, told), and {@code awaitBus} ends at its timeout with an exception that names the run's
 * keys and the mirror's {@code maxKeys}; nothing hangs.
 */
class KeyedMirrorTooSmallForItsSourceSaysSoTest
{
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void runsOfMoreKeysThanTheMirrorsMaxKeysAreRefusedAndAwaitBusSaysSo() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-too-small");
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            for (long key = 1; key <= 100; key++)
            {
                source.open(key, Phase.OPEN);
            }
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 44)).snapshotInterval(Duration.ofMillis(5)).build();
            final List<MalformedReason> told = new CopyOnWriteArrayList<>();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 44),
                null, MalformedTold.into(told), 256);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES,
                b -> KeyedBusOverTheWireTest.keyed(b).maxKeys(64));
            Pump.until(() -> told.size() >= 3, Duration.ofSeconds(5), "three runs refused", bridge, receiver);
            assertThat(told).containsOnly(MalformedReason.SNAPSHOT);
            assertThat(mirrored.bus()).isNull();
            assertThatThrownBy(() -> mirrored.awaitBus(Duration.ofMillis(10))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("100 keys").hasMessageContaining("maxKeys 64");
            bridge.close();
            receiver.close();
        }
    }
}
