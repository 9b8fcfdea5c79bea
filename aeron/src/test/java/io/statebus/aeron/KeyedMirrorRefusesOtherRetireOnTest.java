package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedStateBusBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static io.statebus.aeron.KeyedBusOverTheWireTest.PHASES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A keyed mirror retires keys on the same states as its source, or does not start: a mirror built with another
 * {@code retireOn} set (other states, or none) would keep or drop keys otherwise than the source, so it refuses every
 * snapshot run of that source ({@link MalformedReason#RETIRES_ON}: counted, told to the listener, named in
 * {@code awaitBus}'s exception) and never builds a local bus; the same set given in another order is the same set.
 */
class KeyedMirrorRefusesOtherRetireOnTest
{
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void theFingerprintIsOfTheRetiringStatesIdsAndZeroForNone()
    {
        // pinned: CRC-32C over each retiring state's id, 2 bytes little-endian, in id order, as WireFormat documents
        // (computed apart from this code); a change here is a change of the wire format
        assertThat(RetiresOnCheck.fingerprint(new boolean[] {false, false, false, false})).isZero();
        assertThat(RetiresOnCheck.fingerprint(new boolean[] {false, false, false, true})).isEqualTo(0xC586DF4B);
        assertThat(RetiresOnCheck.fingerprint(new boolean[] {false, false, true, true})).isEqualTo(0xC3E7C0DF);
        try (KeyedStateBus<Phase> bus = KeyedStateBus.builder(Phase.class).retireOn(Phase.CLOSED).build())
        {
            assertThat(RetiresOnCheck.fingerprint(bus, PHASES)).isEqualTo(0xC586DF4B);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirrorThatRetiresOnOtherStatesRefusesEveryRunAndNeverStarts() throws Exception
    {
        assertRunsRefused("retire-other", 60, b -> b.retireOn(Phase.HALTED, Phase.CLOSED));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirrorThatRetiresNoKeyRefusesASourceThatDoes() throws Exception
    {
        assertRunsRefused("retire-none", 61, b -> b);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theSameStatesInAnotherOrderAreTheSameSetAndTheMirrorStarts() throws Exception
    {
        try (TestDriver driver = TestDriver.start("retire-same");
            KeyedStateBus<Phase> source = sourceBus(b -> b.retireOn(Phase.HALTED, Phase.CLOSED)))
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 62);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication).build();
            final List<MalformedReason> told = new CopyOnWriteArrayList<>();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 62),
                null, MalformedTold.into(told), 64);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES,
                b -> b.maxKeys(64).retireOn(Phase.CLOSED, Phase.HALTED));
            source.open(1, Phase.PRE_OPEN);
            source.open(2, Phase.OPEN);
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
            source.set(2, Phase.CLOSED); // retires key 2 on both sides
            Pump.until(() -> mirrored.latestSequence() == 3, Duration.ofSeconds(10), "3 applied", bridge, receiver);

            assertThat(mirrored.bus().isOpen(1)).isTrue();
            assertThat(mirrored.bus().isOpen(2)).isFalse();
            assertThat(told).isEmpty();
            assertThat(mirrored.refusedRetiresOnFingerprint()).isEqualTo(-1);
            bridge.close();
            receiver.close();
        }
    }

    /**
     * A source that retires keys on {@code CLOSED}, with keys open, sending a run every 20 ms, and a mirror built
     * by {@code mirrorRetires}: every run is refused, the first after its local bus was built and closed, the later
     * ones before anything is built.
     */
    private static void assertRunsRefused(final String tag, final int stream,
        final UnaryOperator<KeyedStateBusBuilder<Phase>> mirrorRetires) throws Exception
    {
        try (TestDriver driver = TestDriver.start(tag);
            KeyedStateBus<Phase> source = sourceBus(b -> b.retireOn(Phase.CLOSED)))
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, stream);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .snapshotInterval(Duration.ofMillis(20)).build();
            final List<MalformedReason> told = new CopyOnWriteArrayList<>();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, stream),
                null, MalformedTold.into(told), 64);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES,
                b -> mirrorRetires.apply(b.maxKeys(64)));
            source.open(1, Phase.PRE_OPEN);
            source.open(2, Phase.OPEN);
            source.set(2, Phase.HALTED);
            Pump.until(() -> told.size() >= 3, Duration.ofSeconds(10), "three runs refused", bridge, receiver);

            assertThat(mirrored.bus()).isNull();
            assertThat(mirrored.sessions()).isZero();
            assertThat(told).containsOnly(MalformedReason.RETIRES_ON);
            assertThat(receiver.malformed()).isEqualTo(told.size());
            assertThat(mirrored.refusedRetiresOnFingerprint()).isEqualTo(0xC586DF4BL);
            assertThatThrownBy(() -> mirrored.awaitBus(Duration.ofMillis(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the source retires keys on other states than this mirror's retireOn")
                .hasMessageContaining("RETIRES_ON");
            bridge.close();
            receiver.close();
        }
    }

    private static KeyedStateBus<Phase> sourceBus(final UnaryOperator<KeyedStateBusBuilder<Phase>> retires)
    {
        return retires.apply(KeyedStateBus.builder(Phase.class).capacity(64).maxKeys(64)).build();
    }
}
