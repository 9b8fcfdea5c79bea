package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.Subscription;
import io.statebus.KeyedStateBus;
import io.statebus.StateBus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A mirror applies the source's state ids only if both sides name the same states in the same order. A mirror whose
 * table has as many states as the source's but other names, or the same names in another order, refuses the whole
 * stream ({@link MalformedReason#STATE_NAMES}: counted, told to the listener, named in {@code awaitBus}'s exception)
 * and never applies a state: an id that means {@code B} on the source is never taken for {@code Y}, or for another
 * constant at the same ordinal.
 */
class MirrorRefusesAStreamOfOtherStatesTest
{
    /** The source's states. */
    enum Source
    {
        A, B, C
    }

    /** As many states as the source's, other names. */
    enum Renamed
    {
        X, Y, Z
    }

    /** The source's names, another order. */
    enum Reordered
    {
        C, B, A
    }

    private static final StateTable<Source> SOURCE = StateTable.forEnum(Source.class);

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void theFingerprintIsOfTheNamesInIdOrderAndNothingElse()
    {
        // pinned: CRC-32C over each name's UTF-8 length (4 bytes, little-endian) and bytes, as WireFormat documents
        // (computed apart from this code); a change here is a change of the wire format
        assertThat(SOURCE.fingerprint()).isEqualTo(0xA4BB5CEC);
        assertThat(StateTable.of(List.of("DOWN", "UP")).fingerprint()).isEqualTo(0xA129C4D9);
        assertThat(StateTable.of(List.of("A", "B", "C")).fingerprint()).isEqualTo(SOURCE.fingerprint());
        assertThat(StateTable.forEnum(Renamed.class).fingerprint()).isNotEqualTo(SOURCE.fingerprint());
        assertThat(StateTable.forEnum(Reordered.class).fingerprint()).isNotEqualTo(SOURCE.fingerprint());
        assertThat(StateTable.of(List.of("AB", "C")).fingerprint())
            .isNotEqualTo(StateTable.of(List.of("A", "BC")).fingerprint());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirrorOfAsManyStatesWithOtherNamesRefusesTheStreamAndBuildsNothing() throws Exception
    {
        assertStreamRefused("renamed", 40, StateTable.forEnum(Renamed.class));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirrorOfTheSameNamesInAnotherOrderRefusesTheStreamAndBuildsNothing() throws Exception
    {
        assertStreamRefused("reordered", 41, StateTable.forEnum(Reordered.class));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theSameNamesInTheSameOrderAreAcceptedWhateverTheStateType() throws Exception
    {
        try (TestDriver driver = TestDriver.start("same-names");
            StateBus<Source> source = StateBus.builder(Source.A).build())
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 42);
            final TransitionBridge<Source> bridge = TransitionBridge.builder(source, SOURCE, publication).build();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 42));
            final MirroredBus<String> mirrored = receiver.mirror(0, StateTable.of(List.of("A", "B", "C")), b -> b);
            Pump.until(publication::isConnected, Duration.ofSeconds(10), "connected", bridge, receiver);
            source.set(Source.B);
            source.set(Source.C);
            Pump.until(() -> mirrored.latestSequence() == 2, Duration.ofSeconds(10), "2 applied", bridge, receiver);

            assertThat(mirrored.bus().get()).isEqualTo("C");
            assertThat(receiver.malformed()).isZero();
            assertThat(mirrored.refusedStateFingerprint()).isEqualTo(-1);
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void onARunningMirrorAMessageOfOtherStateNamesChangesNothing() throws Exception
    {
        try (TestDriver driver = TestDriver.start("other-names-midstream"))
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(WireFormat.LENGTH));
            final ExclusivePublication intruder = driver.aeron.addExclusivePublication(TestDriver.IPC, 43);
            final List<MalformedReason> told = new ArrayList<>();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 43),
                null, MalformedTold.into(told), 64);
            final MirroredBus<Source> mirrored = receiver.mirror(0, SOURCE, b -> b);
            Pump.until(intruder::isConnected, Duration.ofSeconds(10), "connected", receiver);
            final int renamed = StateTable.forEnum(Renamed.class).fingerprint();

            offer(intruder, buffer, WireFormat.SNAPSHOT, SOURCE.fingerprint(), 1, 0, 1);  // session 7 at 1, B
            offer(intruder, buffer, WireFormat.TRANSITION, renamed, 2, 1, 2);             // B -> C, other names
            Pump.until(() -> told.size() == 1, Duration.ofSeconds(10), "the refusal", receiver);
            assertThat(told).containsExactly(MalformedReason.STATE_NAMES);
            assertThat(mirrored.bus().get()).isEqualTo(Source.B);
            assertThat(mirrored.latestSequence()).isEqualTo(1);

            offer(intruder, buffer, WireFormat.TRANSITION, SOURCE.fingerprint(), 2, 1, 2); // the same, these names
            Pump.until(() -> mirrored.latestSequence() == 2, Duration.ofSeconds(10), "2 applied", receiver);
            assertThat(mirrored.bus().get()).isEqualTo(Source.C);
            assertThat(told).containsExactly(MalformedReason.STATE_NAMES);
            receiver.close();
        }
    }

    /** A keyed bus's stream is checked the same way: a keyed mirror of other names takes no key and no state. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aKeyedMirrorOfOtherNamesRefusesTheStreamAndBuildsNothing() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-renamed");
            KeyedStateBus<Source> source = KeyedStateBus.builder(Source.class).maxKeys(8).build())
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 44);
            final TransitionBridge<Source> bridge = TransitionBridge.builder(source, SOURCE, publication).build();
            final List<MalformedReason> told = new ArrayList<>();
            final Subscription subscription = driver.aeron.addSubscription(TestDriver.IPC, 44);
            final MirrorReceiver receiver = new MirrorReceiver(subscription, null, MalformedTold.into(told), 64);
            final MirroredKeyedBus<Renamed> mirrored =
                receiver.mirrorKeyed(0, StateTable.forEnum(Renamed.class), b -> b.maxKeys(8));
            Pump.until(publication::isConnected, Duration.ofSeconds(10), "connected", bridge, receiver);
            source.open(1, Source.A);
            source.set(1, Source.B);
            Pump.until(() -> bridge.sent() == 2 && consumedAll(subscription, publication), Duration.ofSeconds(10),
                "both transitions sent and polled", bridge, receiver);

            assertThat(mirrored.bus()).as("a keyed mirror built from a stream of other state names").isNull();
            assertThat(told).isNotEmpty().containsOnly(MalformedReason.STATE_NAMES);
            bridge.close();
            receiver.close();
        }
    }

    /** A source of {@link Source} and a mirror of {@code mirrorStates}: every message the bridge sends is refused. */
    private static <T> void assertStreamRefused(final String tag, final int stream, final StateTable<T> mirrorStates)
        throws Exception
    {
        assertThat(mirrorStates.size()).isEqualTo(SOURCE.size());
        try (TestDriver driver = TestDriver.start(tag);
            StateBus<Source> source = StateBus.builder(Source.A).build())
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, stream);
            final TransitionBridge<Source> bridge = TransitionBridge.builder(source, SOURCE, publication).build();
            final List<MalformedReason> told = new ArrayList<>();
            final List<Long> started = new ArrayList<>();
            final Subscription subscription = driver.aeron.addSubscription(TestDriver.IPC, stream);
            final MirrorReceiver receiver = new MirrorReceiver(subscription, driver.aeron, new MirrorListener()
            {
                @Override
                public void onStarted(final int busId, final long session, final StateBus<?> bus, final long sequence)
                {
                    started.add(sequence);
                }

                @Override
                public void onMalformed(final int busId, final MalformedReason reason)
                {
                    told.add(reason);
                }
            }, 64);
            final MirroredBus<T> mirrored = receiver.mirror(0, mirrorStates, b -> b);
            Pump.until(publication::isConnected, Duration.ofSeconds(10), "connected", bridge, receiver);
            source.set(Source.B);
            source.set(Source.C);
            // every message sent (the snapshot of the join point and both transitions) has reached the receiver
            Pump.until(() -> bridge.sent() == 2 && consumedAll(subscription, publication), Duration.ofSeconds(10),
                "both transitions sent and polled", bridge, receiver);

            assertThat(mirrored.bus()).isNull();
            assertThat(started).isEmpty();
            // the snapshot, and the two transitions alone or as one run: every message refused
            assertThat(told).hasSizeGreaterThanOrEqualTo(2).containsOnly(MalformedReason.STATE_NAMES);
            assertThat(receiver.malformed()).isEqualTo(told.size());
            assertThat(mirrored.refusedStateFingerprint()).isEqualTo(Integer.toUnsignedLong(SOURCE.fingerprint()));
            assertThat(mirrored.refusedStateCount()).isEqualTo(-1);
            assertThatThrownBy(() -> mirrored.awaitBus(Duration.ofMillis(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the source's 3 states have other names, or another order, than this " +
                    "mirror's table");
            try (StatebusStat stat = new StatebusStat(new File(driver.dir)))
            {
                Pump.untilCounter(stat, "statebus receiver malformed: ", told.size(), receiver);
            }
            bridge.close();
            receiver.close();
        }
    }

    private static boolean consumedAll(final Subscription subscription, final ExclusivePublication publication)
    {
        final Image image = subscription.imageCount() == 0 ? null : subscription.imageAtIndex(0);
        return image != null && image.position() == publication.position();
    }

    /** Writes one message of session 7 on bus 0 carrying the state-name fingerprint {@code names}, and offers it. */
    private static void offer(final ExclusivePublication intruder, final UnsafeBuffer buffer, final byte type,
        final int names, final long sequence, final int from, final int to)
    {
        WireFormat.write(buffer, 0, type, (short)0, 0, SOURCE.size(), names, 7, sequence, 99, from, to, 0, 0);
        Pump.inject(intruder, buffer, WireFormat.LENGTH);
    }
}
