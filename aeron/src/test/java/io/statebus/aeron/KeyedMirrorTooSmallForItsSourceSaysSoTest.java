package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.KeyedStateBus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
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
 * keys and the mirror's {@code maxKeys}; nothing hangs. A run is refused at its first entry past {@code maxKeys}, not
 * at its end: what the mirror keeps of a run is bounded by its {@code maxKeys}, whatever a faulty sender announces.
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

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aRunIsRefusedAtItsFirstEntryPastMaxKeys() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-run-too-long"))
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 48);
            final List<MalformedReason> told = new CopyOnWriteArrayList<>();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 48),
                null, MalformedTold.into(told), 256);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES,
                b -> KeyedBusOverTheWireTest.keyed(b).maxKeys(64));
            final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64));
            for (int index = 0; index <= 64; index++) // a run of 100 keys at sequence 5, its first 65 entries
            {
                WireFormat.write(buffer, 0, WireFormat.KEYED_SNAPSHOT, (short)0, 0, PHASES.size(),
                    PHASES.fingerprint(), 77, 5, index, 1, 1, 1_000 + index, 0);
                Pump.inject(publication, buffer, WireFormat.lengthOf(WireFormat.KEYED));
            }
            Pump.until(() -> mirrored.received() >= 65, Duration.ofSeconds(10), "65 entries received", receiver);
            assertThat(told).as("refused at the 65th entry, the run's end still to come")
                .containsExactly(MalformedReason.SNAPSHOT);
            for (int index = 65; index < 100; index++)
            {
                WireFormat.write(buffer, 0, WireFormat.KEYED_SNAPSHOT, (short)0, 0, PHASES.size(),
                    PHASES.fingerprint(), 77, 5, index, 1, 1, 1_000 + index, 0);
                Pump.inject(publication, buffer, WireFormat.lengthOf(WireFormat.KEYED));
            }
            WireFormat.write(buffer, 0, WireFormat.KEYED_SNAPSHOT_END, (short)0, 0, PHASES.size(),
                PHASES.fingerprint(), 77, 5, 0, 0, 0, WireFields.runEnd(100, 0), 0);
            Pump.inject(publication, buffer, WireFormat.lengthOf(WireFormat.KEYED));
            Pump.until(() -> mirrored.received() >= 101, Duration.ofSeconds(10), "the whole run received", receiver);
            assertThat(told).containsOnly(MalformedReason.SNAPSHOT);
            assertThat(mirrored.bus()).isNull();
            assertThatThrownBy(() -> mirrored.awaitBus(Duration.ofMillis(10))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("100 keys").hasMessageContaining("maxKeys 64");
            receiver.close();
        }
    }
}
