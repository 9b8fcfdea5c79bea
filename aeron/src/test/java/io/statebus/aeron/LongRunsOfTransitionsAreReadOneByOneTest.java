package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.statebus.LongStateBus;
import io.statebus.LongSubscription;
import io.statebus.Policy;
import io.statebus.StateBus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smart batching of a long bus's transitions (wire version 6, {@link ExtendedRun}): the bridge sends what one duty
 * cycle's poll found as one run per message (as many as a message holds), a transition alone as a message alone; a
 * mirror reads a run as its transitions one by one, each checked and applied as a message of its own would be, and a
 * run held back by a BLOCK subscription goes on where it stopped, refusing and counting nothing twice.
 */
class LongRunsOfTransitionsAreReadOneByOneTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));

    /** Writes a run at 0: {@code sequences[i]} from {@code values[2i]} to {@code values[2i+1]}, stamped 1000 + seq. */
    private int run(final long session, final long[] sequences, final long[] values)
    {
        WireFormat.write(buffer, 0, WireFormat.LONG_TRANSITION, (short)0, 0, 0, 0, session, sequences[0],
            1000 + sequences[0], 0, 0, values[0], values[1]);
        final int extension = ExtendedRun.extensionOf(WireFormat.LONGS, sequences.length);
        buffer.putShort(WireFormat.EXTENSION_LENGTH_OFFSET, (short)extension, WireFormat.ORDER);
        for (int i = 1; i < sequences.length; i++)
        {
            final int entry = ExtendedRun.entryOffset(WireFormat.LONGS, 0, i);
            buffer.putLong(entry, sequences[i], WireFormat.ORDER);
            buffer.putLong(entry + 8, 1000 + sequences[i], WireFormat.ORDER);
            buffer.putLong(entry + ExtendedRun.THIRD_OFFSET, values[2 * i], WireFormat.ORDER);
            buffer.putLong(entry + ExtendedRun.FOURTH_OFFSET, values[2 * i + 1], WireFormat.ORDER);
        }
        return WireFormat.LENGTH + extension;
    }

    /** A snapshot of session {@code session} at {@code sequence}, value {@code value}. */
    private void snapshot(final Publication publication, final long session, final long sequence, final long value)
    {
        WireFormat.write(buffer, 0, WireFormat.LONG_SNAPSHOT, (short)0, 0, 0, 0, session, sequence, 1000 + sequence, 0,
            0, value, value);
        Pump.inject(publication, buffer, WireFormat.lengthOf(WireFormat.LONGS));
    }

    /** A receiver with a long mirror of bus 0 (a ring of {@code capacity}) that an intruder started at a snapshot. */
    private record Rig(List<MalformedReason> told, ExclusivePublication intruder, MirrorReceiver receiver,
        MirroredLongBus mirrored, LongSubscription sub)
    {
    }

    private Rig rig(final TestDriver driver, final int stream, final int capacity, final long session,
        final long sequence, final long value)
    {
        final List<MalformedReason> told = new ArrayList<>();
        final ExclusivePublication intruder = driver.aeron.addExclusivePublication(TestDriver.IPC, stream);
        final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, stream), null,
            MalformedTold.into(told), 64);
        final MirroredLongBus mirrored = receiver.mirrorLong(0, b -> b.capacity(capacity));
        Pump.until(intruder::isConnected, Duration.ofSeconds(5), "connected", receiver);
        snapshot(intruder, session, sequence, value);
        Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", receiver);
        return new Rig(told, intruder, receiver, mirrored, mirrored.bus().subscribe(Policy.BLOCK));
    }

    private void offer(final Publication publication, final int length)
    {
        Pump.inject(publication, buffer, length);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theBridgeSendsWhatOnePollFoundAsRunsAndATransitionAloneAlone() throws Exception
    {
        try (TestDriver driver = TestDriver.start("long-runs");
            LongStateBus source = StateBus.longBuilder(0).capacity(1024).build())
        {
            final io.aeron.Subscription raw = driver.aeron.addSubscription(TestDriver.IPC, 63);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 63);
            final TransitionBridge<Long> bridge = TransitionBridge.builder(source, publication).build();
            Pump.until(publication::isConnected, Duration.ofSeconds(5), "connected", bridge);
            final List<Integer> runLengths = new ArrayList<>();
            final List<long[]> got = new ArrayList<>(); // sequence, from, to
            final io.aeron.logbuffer.FragmentHandler handler = (b, offset, length, header) ->
            {
                assertThat(WireFormat.check(b, offset, length)).isNull();
                if (WireFields.type(b, offset) == WireFormat.LONG_TRANSITION)
                {
                    final int entries = ExtendedRun.entries(WireFormat.LONGS,
                        WireFields.extensionLength(WireFields.ids(b, offset)));
                    runLengths.add(1 + entries);
                    got.add(new long[] {WireFields.sequence(b, offset), WireFields.firstLong(b, offset),
                        WireFields.secondLong(b, offset)});
                    for (int i = 1; i <= entries; i++)
                    {
                        final int entry = ExtendedRun.entryOffset(WireFormat.LONGS, offset, i);
                        got.add(new long[] {ExtendedRun.sequence(b, entry), ExtendedRun.third(b, entry),
                            ExtendedRun.fourth(b, entry)});
                    }
                }
            };
            for (int i = 1; i <= 200; i++)
            {
                source.set(i * 7L);
            }
            Pump.until(() -> got.size() == 200, Duration.ofSeconds(10), "200 transitions", bridge,
                Pump.of("raw", () -> raw.poll(handler, 64)));
            source.set(-1);
            Pump.until(() -> got.size() == 201, Duration.ofSeconds(10), "the 201st", bridge,
                Pump.of("raw", () -> raw.poll(handler, 64)));

            final int maxRun = (publication.maxPayloadLength() - WireFormat.LENGTH - 16) / 32 + 1;
            final List<Integer> expected = new ArrayList<>();
            for (int left = 200; left > 0; left -= maxRun)
            {
                expected.add(Math.min(left, maxRun)); // one poll took all 200: full runs, then the rest
            }
            expected.add(1); // alone
            assertThat(maxRun).isGreaterThan(1);
            assertThat(runLengths).isEqualTo(expected);
            for (int i = 0; i < 200; i++)
            {
                assertThat(got.get(i)).containsExactly(i + 1, i * 7L, (i + 1) * 7L);
            }
            assertThat(got.get(200)).containsExactly(201, 1400, -1);
            assertThat(bridge.sent()).isEqualTo(201);
            bridge.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void eachTransitionOfARunIsCheckedAndAppliedAsAMessageOfItsOwn() throws Exception
    {
        try (TestDriver driver = TestDriver.start("long-run-checks"))
        {
            final Rig rig = rig(driver, 64, 64, 111, 5, 50);                         // session 111 at 5, value 50
            final List<MalformedReason> told = rig.told();
            final ExclusivePublication intruder = rig.intruder();
            final MirrorReceiver receiver = rig.receiver();
            final MirroredLongBus mirrored = rig.mirrored();
            final LongSubscription sub = rig.sub();
            final LongBusOverTheWireTest.LongRecorder recorder = new LongBusOverTheWireTest.LongRecorder(sub);

            // 6 50->60; 7 from 99 breaks the chain (refused); 8 70->80; 11 after a jump
            offer(intruder, run(111, new long[] {6, 7, 8, 11}, new long[] {50, 60, 99, 70, 70, 80, 80, 110}));
            buffer.putShort(WireFormat.EXTENSION_LENGTH_OFFSET, (short)(16 + 30), WireFormat.ORDER);
            offer(intruder, WireFormat.LENGTH + 16 + 30);                            // not whole entries
            run(111, new long[] {12, 13, 14}, new long[] {110, 120, 120, 130, 130, 140});
            offer(intruder, WireFormat.LENGTH + 16 + ExtendedRun.ENTRY_LENGTH);          // cut short
            offer(intruder, run(111, new long[] {12}, new long[] {110, 120}));       // alone
            Pump.until(() -> recorder.lastSequence == 12, Duration.ofSeconds(10), "12", receiver,
                recorder.agent(sub));

            assertThat(told).containsExactly(MalformedReason.CHAIN, MalformedReason.LENGTH,
                MalformedReason.TOO_SHORT);
            assertThat(recorder.problems).isEmpty();
            assertThat(recorder.gaps).containsExactly("7..7", "9..10");
            assertThat(recorder.transitions).extracting(t -> t[0]).containsExactly(6L, 8L, 11L, 12L);
            assertThat(recorder.transitions.get(1)).containsExactly(8, 70, 80, 1008);
            assertThat(mirrored.bus().get()).isEqualTo(120);
            assertThat(mirrored.lost()).isEqualTo(3);

            // a further entry at sequence 0 (a snapshot's only) is refused, as a message at 0 is; 13 before it applies
            offer(intruder, run(111, new long[] {13, 0}, new long[] {120, 130, 130, 140}));
            Pump.until(() -> recorder.lastSequence == 13 && told.size() == 4, Duration.ofSeconds(10),
                "13 and a refusal", receiver, recorder.agent(sub));
            assertThat(told).endsWith(MalformedReason.SEQUENCE);
            assertThat(mirrored.latestSequence()).isEqualTo(13);
            assertThat(mirrored.bus().get()).isEqualTo(130);
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aRunHeldBackByABlockSubscriptionGoesOnWhereItStoppedRefusingNothingTwice() throws Exception
    {
        try (TestDriver driver = TestDriver.start("long-run-held"))
        {
            final Rig rig = rig(driver, 65, 8, 222, 0, 0);                           // session 222 at 0, value 0
            final List<MalformedReason> told = rig.told();
            final ExclusivePublication intruder = rig.intruder();
            final MirrorReceiver receiver = rig.receiver();
            final MirroredLongBus mirrored = rig.mirrored();
            final LongSubscription sub = rig.sub();
            final LongBusOverTheWireTest.LongRecorder recorder = new LongBusOverTheWireTest.LongRecorder(sub);

            // 1..13, each i - 1 -> i tens; the third at sequence 0 (a snapshot's only): refused, then 4 follows a gap
            final long[] sequences = new long[13];
            final long[] values = new long[26];
            for (int i = 0; i < 13; i++)
            {
                sequences[i] = i + 1;
                values[2 * i] = i * 10L;
                values[2 * i + 1] = (i + 1) * 10L;
            }
            sequences[2] = 0;
            offer(intruder, run(222, sequences, values));
            // a ring of 8 and a subscription that has consumed nothing: 1..8 (3 lost) go in, 9 is held back
            Pump.until(() -> mirrored.bus().latestSequence() == 8, Duration.ofSeconds(10), "1..8", receiver);
            for (int i = 0; i < 10; i++)
            {
                receiver.doWork(); // offered again each time, held back each time
            }
            assertThat(mirrored.bus().latestSequence()).isEqualTo(8);
            assertThat(told).containsExactly(MalformedReason.SEQUENCE);

            Pump.until(() -> recorder.lastSequence == 13, Duration.ofSeconds(10), "13", receiver,
                recorder.agent(sub));
            assertThat(told).containsExactly(MalformedReason.SEQUENCE); // once, though the run was offered 11 times
            assertThat(receiver.malformed()).isEqualTo(1);
            assertThat(recorder.problems).isEmpty();
            assertThat(recorder.gaps).containsExactly("3..3");
            assertThat(recorder.transitions).hasSize(12);
            assertThat(mirrored.bus().get()).isEqualTo(130);
            mirrored.refreshCounters(); // as the duty cycle does every millisecond: this thread is the duty cycle
            assertThat(mirrored.received()).isEqualTo(2); // the snapshot and the run, counted once
            receiver.close();
        }
    }
}
