package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.KeyedStateBus;
import io.statebus.LongStateBus;
import io.statebus.StateBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bridge's or a mirror's argument that could never work (a batch too large to allocate, a publication closed or
 * whose messages cannot hold one of the bridge's, a bus id already bridged on the publication or mirrored on the
 * receiver, a table that lacks an open key's state, a mirror setting its builder refuses, a closed subscription, a
 * null duration, a null or negative timeout) is a clear exception where it is given, and changes nothing: no
 * subscription of the source is left holding it back, and no failure comes later on a duty cycle. A duration too long
 * to count in nanoseconds means "never", no error.
 */
class BadArgumentsAreRefusedWhereTheyAreGivenTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);
    /** Aeron's smallest MTU: 32 bytes of payload, less than any of the bridge's messages. */
    private static final String TINY_MTU = "aeron:ipc?mtu=64|term-length=64k";

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aBatchLimitTooLargeToStageIsRefusedByTheBuilder() throws Exception
    {
        try (TestDriver driver = TestDriver.start("batch-limit");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(4).build())
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 80);
            // 20 M transitions staged would be 800 MB: an OutOfMemoryError in build() left its BLOCK subscription open
            assertThatThrownBy(() -> TransitionBridge.builder(source, PHASES, publication).batchLimit(20_000_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchLimit must be from 1 to " + TransitionBridgeBuilder.MAX_BATCH_LIMIT);
            assertThat(source.subscriptionCount()).isZero();
            try (TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .batchLimit(TransitionBridgeBuilder.MAX_BATCH_LIMIT).build())
            {
                assertThat(bridge.isFailed()).isFalse();
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aNullDurationIsRefusedByTheBuilderAndAnyLongOneIsTaken() throws Exception
    {
        try (TestDriver driver = TestDriver.start("durations");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(4).build())
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 85);
            final TransitionBridgeBuilder<Phase> builder = TransitionBridge.builder(source, PHASES, publication);
            assertThatThrownBy(() -> builder.snapshotInterval(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("snapshotInterval must not be null");
            assertThatThrownBy(() -> builder.stallThreshold(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("stallThreshold must not be null");
            // "never", as a user may write it: past Duration.toNanos's 292 years, build() threw an ArithmeticException
            final Duration never = Duration.ofSeconds(Long.MAX_VALUE);
            try (TransitionBridge<Phase> bridge = builder.snapshotInterval(never).stallThreshold(never).build())
            {
                final io.aeron.Subscription subscriber = driver.aeron.addSubscription(TestDriver.IPC, 85);
                Pump.until(publication::isConnected, Duration.ofSeconds(5), "connected", bridge,
                    Pump.of("subscriber", () -> subscriber.poll((buffer, offset, length, header) -> { }, 16)));
                source.set(Phase.OPEN);
                Pump.until(() -> bridge.sent() == 1, Duration.ofSeconds(5), "sent", bridge);
                Pump.forDuration(Duration.ofMillis(20), bridge);
                assertThat(bridge.snapshots()).as("only the one at connection").isEqualTo(1);
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aPublicationThatIsClosedOrWhoseMessagesCannotHoldOneIsRefusedAtBuild() throws Exception
    {
        try (TestDriver driver = TestDriver.start("bad-publication");
            StateBus<Phase> states = StateBus.builder(Phase.PRE_OPEN).capacity(4).build();
            LongStateBus longs = StateBus.longBuilder(0).capacity(4).build();
            KeyedStateBus<Phase> keyed = KeyedStateBus.builder(Phase.class).capacity(4).maxKeys(4).build())
        {
            final ExclusivePublication tiny = driver.aeron.addExclusivePublication(TINY_MTU, 81);
            assertThatThrownBy(() -> TransitionBridge.builder(states, PHASES, tiny).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("messages of at most 32 bytes").hasMessageContaining("48-byte")
                .hasMessageContaining("an mtu of at least 96");
            assertThatThrownBy(() -> TransitionBridge.builder(longs, tiny).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64-byte");
            assertThatThrownBy(() -> TransitionBridge.builder(keyed, PHASES, tiny).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("56-byte");

            final ExclusivePublication closed = driver.aeron.addExclusivePublication(TestDriver.IPC, 82);
            closed.close();
            assertThatThrownBy(() -> TransitionBridge.builder(states, PHASES, closed).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream 82 is closed");
            assertThat(states.subscriptionCount()).isZero();
            assertThat(longs.subscriptionCount()).isZero();
            assertThat(keyed.subscriptionCount()).isZero();

            final io.aeron.Subscription closedSubscription = driver.aeron.addSubscription(TestDriver.IPC, 83);
            closedSubscription.close();
            assertThatThrownBy(() -> new MirrorReceiver(closedSubscription))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stream 83 is closed");
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aSecondBridgeOfOneBusIdOnOnePublicationIsRefusedUntilTheFirstCloses() throws Exception
    {
        try (TestDriver driver = TestDriver.start("same-bus-id");
            StateBus<Phase> one = StateBus.builder(Phase.PRE_OPEN).build();
            StateBus<Phase> two = StateBus.builder(Phase.PRE_OPEN).build())
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 87);
            final TransitionBridge<Phase> first = TransitionBridge.builder(one, PHASES, publication).build();
            // both bus id 0 (the default): every mirror would take them for one source restarting over and over
            assertThatThrownBy(() -> TransitionBridge.builder(two, PHASES, publication).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bus id 0 is already bridged on the publication");
            assertThat(two.subscriptionCount()).isZero();
            try (TransitionBridge<Phase> other = TransitionBridge.builder(two, PHASES, publication).busId(1).build())
            {
                assertThat(other.busId()).isEqualTo(1);
            }
            first.close();
            first.close(); // idempotent: frees nothing of the next bridge of bus id 0
            try (TransitionBridge<Phase> next = TransitionBridge.builder(two, PHASES, publication).build())
            {
                first.close();
                assertThatThrownBy(() -> TransitionBridge.builder(one, PHASES, publication).build())
                    .hasMessageContaining("bus id 0 is already bridged");
                assertThat(next.isFailed()).isFalse();
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aKeyedBridgeWhoseTableLacksAnOpenKeysStateIsRefusedAndLeavesNoSubscription() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-table");
            KeyedStateBus<String> source = KeyedStateBus.builder(List.of("A", "B", "C")).capacity(4).maxKeys(4)
                .build())
        {
            source.open(1, "C");
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 86);
            // the bridge seeds its copy of the open keys at build: key 1's state is not in the table
            assertThatThrownBy(() -> TransitionBridge.builder(source, StateTable.of(List.of("A", "B")), publication)
                .build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("C is not one of this table's states");
            assertThat(source.subscriptionCount()).as("no BLOCK subscription left holding the source").isZero();
            for (int i = 0; i < 20; i++) // a ring of 4
            {
                assertThat(source.trySet(1, i % 2 == 0 ? "A" : "C", Duration.ofSeconds(1))).isTrue();
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aBusIdMirroredTwiceOnOneReceiverIsRefusedEvenOnceItsMirrorClosed() throws Exception
    {
        try (TestDriver driver = TestDriver.start("mirrored-twice");
            MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 88)))
        {
            final MirroredBus<Phase> mirrored = receiver.mirror(1, PHASES, b -> b);
            assertThatThrownBy(() -> receiver.mirror(1, PHASES, b -> b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bus 1 is already mirrored by this receiver");
            assertThatThrownBy(() -> receiver.mirrorLong(1, b -> b)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> receiver.mirrorKeyed(1, PHASES, b -> b)).isInstanceOf(IllegalStateException.class);
            mirrored.close();
            assertThatThrownBy(() -> receiver.mirror(1, PHASES, b -> b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("keeps its bus id after it is closed");
            assertThat(receiver.mirrorLong(2, b -> b).busId()).isEqualTo(2);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirrorSettingItsBuilderRefusesIsRefusedByMirrorNotByTheFirstMessage() throws Exception
    {
        try (TestDriver driver = TestDriver.start("mirror-settings");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build();
            TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 89)).build();
            MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 89)))
        {
            final MirroredBus<Phase> mirrored = receiver.mirror(0, PHASES, b -> b);
            // applied only when the source's first message came, these failed the receiver and every mirror on it
            assertThatThrownBy(() -> receiver.mirror(1, PHASES, b -> b.capacity(1000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity must be a power of two");
            assertThatThrownBy(() -> receiver.mirrorLong(2, b -> b.capacity(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
            assertThatThrownBy(() -> receiver.mirrorKeyed(3, PHASES, b -> b.maxKeys(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxKeys must be from 1");
            assertThatThrownBy(() -> receiver.mirror(4, PHASES, b -> null))
                .isInstanceOf(NullPointerException.class).hasMessage("configure must return a builder");
            assertThat(receiver.mirror(1, PHASES, b -> b.capacity(1024)).busId()).as("nothing registered").isOne();

            source.set(Phase.OPEN);
            Pump.until(() -> mirrored.latestSequence() == 1, Duration.ofSeconds(10), "1", bridge, receiver);
            assertThat(receiver.isFailed()).isFalse();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void awaitBusRefusesANullOrNegativeTimeoutAndTakesAnyLongOne() throws Exception
    {
        try (TestDriver driver = TestDriver.start("await-bus");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build();
            TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 84)).build();
            MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 84)))
        {
            final MirroredBus<Phase> mirrored = receiver.mirror(0, PHASES, b -> b);
            final MirroredLongBus longs = receiver.mirrorLong(1, b -> b);
            final MirroredKeyedBus<Phase> keyed = receiver.mirrorKeyed(2, PHASES, b -> b);
            for (final MirroredEndpoint<?, ?> mirror : new MirroredEndpoint<?, ?>[] {mirrored, longs, keyed})
            {
                final Duration negative = Duration.ofMillis(-1);
                assertThatThrownBy(() -> awaitBus(mirror, negative)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("timeout must not be negative, got PT-0.001S");
                assertThatThrownBy(() -> awaitBus(mirror, null)).isInstanceOf(NullPointerException.class)
                    .hasMessage("timeout must not be null");
            }
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the local bus", bridge, receiver);
            // "forever": no overflow, no deadline in the past; the bus is there, so it returns at once
            assertThat(mirrored.awaitBus(Duration.ofSeconds(Long.MAX_VALUE))).isSameAs(mirrored.bus());
            assertThatThrownBy(() -> mirrored.awaitBus(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static Object awaitBus(final MirroredEndpoint<?, ?> mirror, final Duration timeout)
        throws InterruptedException
    {
        if (mirror instanceof MirroredBus<?> states)
        {
            return states.awaitBus(timeout);
        }
        return mirror instanceof MirroredLongBus longs ? longs.awaitBus(timeout) :
            ((MirroredKeyedBus<?>)mirror).awaitBus(timeout);
    }
}
