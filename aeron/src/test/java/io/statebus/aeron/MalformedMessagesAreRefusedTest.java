package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.statebus.LongMirror;
import io.statebus.Mirror;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Foreign, malformed, mismatched and stale messages on the stream are counted and told, never applied: the mirror
 * never takes a wrong state and never hangs; a dropped transition shows as an exact gap.
 */
class MalformedMessagesAreRefusedTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(128));

    private void offer(final Publication publication, final int length)
    {
        Pump.inject(publication, buffer, length);
    }

    private void message(final byte type, final int busId, final int stateCount, final long session,
        final long sequence, final int from, final int to)
    {
        WireFormat.write(buffer, 0, type, (short)0, busId, stateCount, PHASES.fingerprint(), session, sequence, 99,
            from, to, 0, 0);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void everyKindOfBadMessageIsCountedToldAndChangesNothing() throws Exception
    {
        try (TestDriver driver = TestDriver.start("malformed");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build())
        {
            final List<MalformedReason> told = new ArrayList<>();
            final List<Integer> busIds = new ArrayList<>();
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 30);
            final ExclusivePublication intruder = driver.aeron.addExclusivePublication(TestDriver.IPC, 30);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication).busId(7).build();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 30),
                driver.aeron, MalformedTold.into(told, busIds), 64);
            final MirroredBus<Phase> mirrored = receiver.mirror(7, PHASES, b -> b);
            source.set(Phase.OPEN);
            Pump.until(() -> mirrored.latestSequence() == 1, Duration.ofSeconds(10), "1", bridge, receiver);
            final Subscription<Phase> sub = mirrored.bus().subscribe(Policy.BLOCK);
            final Recorder<Phase> recorder = new Recorder<>(sub.joinSequence(), sub.joinState());
            final long session = bridge.session();

            buffer.setMemory(0, 128, (byte)0x5A);
            offer(intruder, 64);                                                   // foreign bytes
            offer(intruder, 10);                                                   // too short
            message(WireFormat.TRANSITION, 7, 4, session, 2, 1, 2);
            buffer.putByte(WireFormat.VERSION_OFFSET, (byte)9);
            offer(intruder, WireFormat.LENGTH);                                    // another version
            message((byte)9, 7, 4, session, 2, 1, 2);
            offer(intruder, WireFormat.LENGTH);                                    // unknown type
            message(WireFormat.TRANSITION, 7, 4, session, 2, 1, 2);
            offer(intruder, WireFormat.LENGTH + 8);                                // extra bytes (a key)
            message(WireFormat.TRANSITION, 8, 4, session, 2, 1, 2);
            offer(intruder, WireFormat.LENGTH);                                    // unknown bus
            message(WireFormat.TRANSITION, 7, 5, session, 2, 1, 2);
            offer(intruder, WireFormat.LENGTH);                                    // other state count
            message(WireFormat.TRANSITION, 7, 4, session, 2, 1, 4);
            offer(intruder, WireFormat.LENGTH);                                    // state id out of range
            message(WireFormat.TRANSITION, 7, 4, session, 0, 1, 2);
            offer(intruder, WireFormat.LENGTH);                                    // a transition at 0
            message(WireFormat.TRANSITION, 7, 4, session, Mirror.SEQUENCE_LIMIT, 1, 2);
            offer(intruder, WireFormat.LENGTH);                                    // past a mirror's (2^62)
            message(WireFormat.TRANSITION, 7, 4, session, 2, 3, 2);
            offer(intruder, WireFormat.LENGTH);                                    // chain broken: from CLOSED
            Pump.until(() -> told.size() == 11, Duration.ofSeconds(10), "11 refusals", bridge, receiver);

            assertThat(told).containsExactly(MalformedReason.FOREIGN, MalformedReason.TOO_SHORT,
                MalformedReason.VERSION, MalformedReason.TYPE, MalformedReason.LENGTH, MalformedReason.UNKNOWN_BUS,
                MalformedReason.STATE_COUNT, MalformedReason.STATE_ID, MalformedReason.SEQUENCE,
                MalformedReason.SEQUENCE, MalformedReason.CHAIN);
            // as MirrorListener.onMalformed says: -1 until the bus id can be trusted, then the one carried
            assertThat(busIds).containsExactly(-1, -1, -1, -1, -1, 8, 7, 7, 7, 7, 7);
            assertThat(receiver.malformed()).isEqualTo(11);
            assertThat(mirrored.bus().get()).isEqualTo(Phase.OPEN);
            assertThat(mirrored.latestSequence()).isEqualTo(1);
            assertThat(mirrored.refusedStateCount()).isEqualTo(5);

            // the dropped transition 2 (chain broken) is reported as lost when the real stream goes on
            message(WireFormat.TRANSITION, 7, 4, session, 3, 2, 0);
            offer(intruder, WireFormat.LENGTH);
            Pump.until(() -> recorder.lastSequence == 3, Duration.ofSeconds(10), "3 after the gap",
                bridge, receiver, new PollingAgent<>(sub, recorder));
            assertThat(recorder.problems).isEmpty();
            assertThat(recorder.gaps).containsExactly(new Recorder.GapSeen<>(2, 2, 1, Phase.HALTED));
            assertThat(mirrored.bus().get()).isEqualTo(Phase.PRE_OPEN);
            assertThat(mirrored.lost()).isEqualTo(1);
            try (StatebusStat stat = new StatebusStat(new java.io.File(driver.dir)))
            {
                // labelled as CounterTypes says: a receiver's own counters name its channel and stream
                Pump.untilCounter(stat, "statebus receiver malformed: " + TestDriver.IPC + " stream=30", 11, receiver);
                Pump.untilCounter(stat, "statebus mirror lost: bus=7", 1, receiver);
                Pump.untilCounter(stat, "statebus mirror gaps: bus=7", 1, receiver); // one incident
            }
            bridge.close();
            receiver.close();
        }
    }

    /** Writes a page of a keyed snapshot run: entries {@code first ..} of {@code keys} with {@code states}' ids. */
    private void page(final long session, final long first, final long[] keys, final int[] stateIds)
    {
        WireFormat.write(buffer, 0, WireFormat.KEYED_SNAPSHOT, (short)0, 5, PHASES.size(), PHASES.fingerprint(),
            session, 40, first, stateIds[0], stateIds[0], keys[0], 0);
        buffer.putShort(WireFormat.EXTENSION_LENGTH_OFFSET, (short)KeyedSnapshotPage.extensionOf(keys.length),
            WireFormat.ORDER);
        for (int i = 1; i < keys.length; i++)
        {
            KeyedSnapshotPage.putEntry(buffer, 0, i, keys[i], stateIds[i]);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aKeyedSnapshotPageWithABadLengthOrStateIdIsRefusedWholeAndAGoodOneIsReadAsItsEntries() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-page"))
        {
            final List<MalformedReason> told = new ArrayList<>();
            final ExclusivePublication intruder = driver.aeron.addExclusivePublication(TestDriver.IPC, 33);
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 33),
                driver.aeron, MalformedTold.into(told), 64);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(5, PHASES, b -> b.maxKeys(16));
            final long[] keys = {11, 12, 13};
            final int pageLength = WireFormat.LENGTH + KeyedSnapshotPage.extensionOf(3);
            page(42, 0, keys, new int[] {0, 1, PHASES.size()});
            offer(intruder, pageLength);                                           // the third key's id out of range
            page(42, 0, keys, new int[] {0, 1, 2});
            buffer.putShort(WireFormat.EXTENSION_LENGTH_OFFSET, (short)(KeyedSnapshotPage.extensionOf(3) - 8),
                WireFormat.ORDER);
            offer(intruder, pageLength - 8);                                       // not 8 + 16 k bytes of keys
            Pump.until(() -> told.size() == 2, Duration.ofSeconds(10), "2 refusals", receiver);
            assertThat(told).containsExactly(MalformedReason.STATE_ID, MalformedReason.LENGTH);

            page(42, 0, keys, new int[] {0, 1, 2});
            offer(intruder, pageLength);
            WireFormat.write(buffer, 0, WireFormat.KEYED_SNAPSHOT_END, (short)0, 5, PHASES.size(),
                PHASES.fingerprint(), 42, 40, 99, 0, 0, WireFields.runEnd(3, 0), 0);
            offer(intruder, WireFormat.lengthOf(WireFormat.KEYED));
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "a mirror of the good page", receiver);
            assertThat(told).hasSize(2);
            assertThat(mirrored.bus().openKeys()).isEqualTo(3);
            assertThat(mirrored.bus().get(11)).isEqualTo(Phase.PRE_OPEN);
            assertThat(mirrored.bus().get(12)).isEqualTo(Phase.OPEN);
            assertThat(mirrored.bus().get(13)).isEqualTo(Phase.HALTED);
            assertThat(mirrored.latestSequence()).isEqualTo(40);
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aLongSnapshotPastAMirrorsSequencesIsRefusedNotAFailure() throws Exception
    {
        try (TestDriver driver = TestDriver.start("long-limit"))
        {
            final List<MalformedReason> told = new ArrayList<>();
            final ExclusivePublication intruder = driver.aeron.addExclusivePublication(TestDriver.IPC, 32);
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 32),
                driver.aeron, MalformedTold.into(told), 64);
            final MirroredLongBus mirrored = receiver.mirrorLong(3, b -> b);
            WireFormat.write(buffer, 0, WireFormat.LONG_SNAPSHOT, (short)0, 3, 0, 0, 42, LongMirror.SEQUENCE_LIMIT,
                99, 0, 0, 7, 8);
            offer(intruder, WireFormat.lengthOf(WireFormat.LONGS));
            Pump.until(() -> told.size() == 1, Duration.ofSeconds(10), "a refusal", receiver); // it threw before
            assertThat(told).containsExactly(MalformedReason.SEQUENCE);
            assertThat(mirrored.bus()).isNull();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirrorWithAnotherStateTableSaysSoClearlyAndBuildsNothing() throws Exception
    {
        try (TestDriver driver = TestDriver.start("state-count");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build())
        {
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 31)).snapshotInterval(Duration.ofMillis(10)).build();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 31));
            final MirroredBus<String> mirrored = receiver.mirror(0, StateTable.of(List.of("DOWN", "UP")), b -> b);
            Pump.until(() -> receiver.malformed() > 0, Duration.ofSeconds(10), "a refusal", bridge, receiver);
            assertThat(mirrored.bus()).isNull();
            assertThatThrownBy(() -> mirrored.awaitBus(Duration.ofMillis(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the source sends 4 states, this mirror's table has 2");
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void messagesOfAReplacedSessionAreRefusedAsStale() throws Exception
    {
        try (TestDriver driver = TestDriver.start("stale"))
        {
            final ExclusivePublication intruder = driver.aeron.addExclusivePublication(TestDriver.IPC, 32);
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 32));
            final MirroredBus<Phase> mirrored = receiver.mirror(0, PHASES, b -> b);
            Pump.until(intruder::isConnected, Duration.ofSeconds(5), "connected", receiver);
            message(WireFormat.SNAPSHOT, 0, 4, 111, 5, 1, 1);
            offer(intruder, WireFormat.LENGTH);                                     // session 111 at 5, OPEN
            message(WireFormat.SNAPSHOT, 0, 4, 222, 0, 0, 0);
            offer(intruder, WireFormat.LENGTH);                                     // session 222 (restart) at 0
            message(WireFormat.TRANSITION, 0, 4, 111, 6, 1, 2);
            offer(intruder, WireFormat.LENGTH);                                     // a late one of 111
            Pump.until(() -> receiver.malformed() == 1, Duration.ofSeconds(10), "the stale refusal", receiver);
            assertThat(mirrored.sessions()).isEqualTo(2);
            assertThat(mirrored.session()).isEqualTo(222);
            assertThat(mirrored.bus().get()).isEqualTo(Phase.PRE_OPEN);
            assertThat(mirrored.bus().latestSequence()).isZero();
            receiver.close();
        }
    }
}
