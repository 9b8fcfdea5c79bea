package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
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

/**
 * Smart batching on the wire: the bridge sends the transitions one duty cycle's poll found as one run per message
 * (as many as a message holds), a transition alone as a message alone; a mirror reads a run as its transitions one by
 * one, each checked and applied as a message of its own would be, and a run held back by a BLOCK subscription goes
 * on where it stopped, refusing and counting nothing twice.
 */
class RunsOfTransitionsAreReadOneByOneTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));

    /** Writes a run at 0: {@code sequences[i]} from {@code ids[2i]} to {@code ids[2i+1]}, timestamps 1000 + seq. */
    private int run(final long session, final long[] sequences, final int[] ids)
    {
        WireFormat.write(buffer, 0, WireFormat.TRANSITION, (short)0, 0, PHASES.size(), PHASES.fingerprint(), session,
            sequences[0], 1000 + sequences[0], ids[0], ids[1], 0, 0);
        final int extension = (sequences.length - 1) * WireFormat.ENTRY_LENGTH;
        buffer.putShort(WireFormat.EXTENSION_LENGTH_OFFSET, (short)extension, WireFormat.ORDER);
        for (int i = 1; i < sequences.length; i++)
        {
            WireWords.writeEntry(buffer, WireFormat.LENGTH + (i - 1) * WireFormat.ENTRY_LENGTH, sequences[i],
                1000 + sequences[i], ids[2 * i], ids[2 * i + 1]);
        }
        return WireFormat.LENGTH + extension;
    }

    private void offer(final Publication publication, final int length)
    {
        Pump.inject(publication, buffer, length);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theBridgeSendsWhatOnePollFoundAsRunsAndATransitionAloneAlone() throws Exception
    {
        try (TestDriver driver = TestDriver.start("runs");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(1024).build())
        {
            final io.aeron.Subscription raw = driver.aeron.addSubscription(TestDriver.IPC, 60);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 60);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication).build();
            Pump.until(publication::isConnected, Duration.ofSeconds(5), "connected", bridge);
            final List<Integer> runLengths = new ArrayList<>();
            final List<Long> sequences = new ArrayList<>();
            final io.aeron.logbuffer.FragmentHandler handler = (b, offset, length, header) ->
            {
                assertThat(WireFormat.check(b, offset, length)).isNull();
                if (WireFields.type(b, offset) == WireFormat.TRANSITION)
                {
                    runLengths.add(1 + (length - WireFormat.LENGTH) / WireFormat.ENTRY_LENGTH);
                    sequences.add(WireFields.sequence(b, offset));
                    for (int entry = offset + WireFormat.LENGTH; entry < offset + length;
                        entry += WireFormat.ENTRY_LENGTH)
                    {
                        sequences.add(WireFields.entrySequence(b, entry));
                    }
                }
            };
            for (int i = 0; i < 200; i++)
            {
                source.set(source.get().next());
            }
            Pump.until(() -> sequences.size() == 200, Duration.ofSeconds(10), "200 transitions", bridge,
                Pump.of("raw", () -> raw.poll(handler, 64)));
            source.set(source.get().next());
            Pump.until(() -> sequences.size() == 201, Duration.ofSeconds(10), "the 201st", bridge,
                Pump.of("raw", () -> raw.poll(handler, 64)));

            final int maxRun = (publication.maxPayloadLength() - WireFormat.LENGTH) / WireFormat.ENTRY_LENGTH + 1;
            final List<Integer> expected = new ArrayList<>();
            for (int left = 200; left > 0; left -= maxRun)
            {
                expected.add(Math.min(left, maxRun)); // one poll took all 200: full runs, then the rest
            }
            expected.add(1); // alone
            assertThat(runLengths).isEqualTo(expected);
            for (int i = 0; i < sequences.size(); i++)
            {
                assertThat(sequences.get(i)).isEqualTo(i + 1);
            }
            assertThat(bridge.sent()).isEqualTo(201);
            bridge.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void eachTransitionOfARunIsCheckedAndAppliedAsAMessageOfItsOwn() throws Exception
    {
        try (TestDriver driver = TestDriver.start("run-checks"))
        {
            final List<MalformedReason> told = new ArrayList<>();
            final ExclusivePublication intruder = driver.aeron.addExclusivePublication(TestDriver.IPC, 61);
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 61), null,
                MalformedTold.into(told), 64);
            final MirroredBus<Phase> mirrored = receiver.mirror(0, PHASES, b -> b.capacity(64));
            Pump.until(intruder::isConnected, Duration.ofSeconds(5), "connected", receiver);
            WireFormat.write(buffer, 0, WireFormat.SNAPSHOT, (short)0, 0, 4, PHASES.fingerprint(), 111, 5, 1005, 1, 1,
                0, 0);
            offer(intruder, WireFormat.LENGTH);                                     // session 111 at 5, OPEN
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", receiver);
            final Subscription<Phase> sub = mirrored.bus().subscribe(Policy.BLOCK);
            final Recorder<Phase> recorder = new Recorder<>(sub.joinSequence(), sub.joinState());

            // 6 OPEN->HALTED; 7 with a state id out of range (refused); 8 HALTED->CLOSED; 11 after a jump
            offer(intruder, run(111, new long[] {6, 7, 8, 11}, new int[] {1, 2, 2, 9, 2, 3, 0, 1}));
            buffer.putShort(WireFormat.EXTENSION_LENGTH_OFFSET, (short)30, WireFormat.ORDER);
            offer(intruder, WireFormat.LENGTH + 30);                                 // not whole entries
            run(111, new long[] {12, 13, 14}, new int[] {1, 2, 2, 3, 3, 0});
            offer(intruder, WireFormat.LENGTH + WireFormat.ENTRY_LENGTH);            // cut short
            offer(intruder, run(111, new long[] {12}, new int[] {1, 2}));            // alone
            Pump.until(() -> recorder.lastSequence == 12, Duration.ofSeconds(10), "12", receiver,
                new PollingAgent<>(sub, recorder));

            assertThat(told).containsExactly(MalformedReason.STATE_ID, MalformedReason.LENGTH,
                MalformedReason.TOO_SHORT);
            assertThat(recorder.problems).isEmpty();
            assertThat(recorder.gaps).containsExactly(new Recorder.GapSeen<>(7, 7, 1, Phase.HALTED),
                new Recorder.GapSeen<>(9, 10, 2, Phase.PRE_OPEN));
            assertThat(recorder.count).isEqualTo(4); // 6, 8, 11, 12
            assertThat(mirrored.bus().get()).isEqualTo(Phase.HALTED);
            assertThat(mirrored.lost()).isEqualTo(3);

            // a further entry at sequence 0 (a snapshot's only) is refused, as a message at 0 is; 13 before it applies
            offer(intruder, run(111, new long[] {13, 0}, new int[] {2, 3, 3, 0}));
            Pump.until(() -> recorder.lastSequence == 13 && told.size() == 4, Duration.ofSeconds(10),
                "13 and a refusal", receiver, new PollingAgent<>(sub, recorder));
            assertThat(told).endsWith(MalformedReason.SEQUENCE);
            assertThat(mirrored.latestSequence()).isEqualTo(13);
            assertThat(mirrored.bus().get()).isEqualTo(Phase.CLOSED);
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aRunHeldBackByABlockSubscriptionGoesOnWhereItStoppedRefusingNothingTwice() throws Exception
    {
        try (TestDriver driver = TestDriver.start("run-held"))
        {
            final List<MalformedReason> told = new ArrayList<>();
            final ExclusivePublication intruder = driver.aeron.addExclusivePublication(TestDriver.IPC, 62);
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 62), null,
                MalformedTold.into(told), 64);
            final MirroredBus<Phase> mirrored = receiver.mirror(0, PHASES, b -> b.capacity(8));
            Pump.until(intruder::isConnected, Duration.ofSeconds(5), "connected", receiver);
            WireFormat.write(buffer, 0, WireFormat.SNAPSHOT, (short)0, 0, 4, PHASES.fingerprint(), 222, 0, 1000, 0, 0,
                0, 0);
            offer(intruder, WireFormat.LENGTH);                                     // session 222 at 0, PRE_OPEN
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", receiver);
            final Subscription<Phase> sub = mirrored.bus().subscribe(Policy.BLOCK);
            final Recorder<Phase> recorder = new Recorder<>(sub.joinSequence(), sub.joinState());

            // 1..13 cycling through the states; 3's to id out of range: refused, then 4 follows a gap
            final long[] sequences = new long[13];
            final int[] ids = new int[26];
            for (int i = 0; i < 13; i++)
            {
                sequences[i] = i + 1;
                ids[2 * i] = i % 4;
                ids[2 * i + 1] = (i + 1) % 4;
            }
            ids[5] = 7;
            offer(intruder, run(222, sequences, ids));
            // a ring of 8 and a subscription that has consumed nothing: 1..8 (3 lost) go in, 9 is held back
            Pump.until(() -> mirrored.bus().latestSequence() == 8, Duration.ofSeconds(10), "1..8", receiver);
            for (int i = 0; i < 10; i++)
            {
                receiver.doWork(); // offered again each time, held back each time
            }
            assertThat(mirrored.bus().latestSequence()).isEqualTo(8);
            assertThat(told).containsExactly(MalformedReason.STATE_ID);

            Pump.until(() -> recorder.lastSequence == 13, Duration.ofSeconds(10), "13", receiver,
                new PollingAgent<>(sub, recorder));
            assertThat(told).containsExactly(MalformedReason.STATE_ID); // once, though the run was offered 11 times
            assertThat(receiver.malformed()).isEqualTo(1);
            assertThat(recorder.problems).isEmpty();
            assertThat(recorder.gaps).containsExactly(new Recorder.GapSeen<>(3, 3, 1, Phase.CLOSED));
            assertThat(recorder.count).isEqualTo(12);
            assertThat(mirrored.bus().get()).isEqualTo(Phase.OPEN); // 13: PRE_OPEN -> OPEN
            receiver.close();
        }
    }
}
