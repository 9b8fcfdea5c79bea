package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.statebus.Gap;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedSubscription;
import io.statebus.KeyedTransition;
import io.statebus.KeyedTransitionHandler;
import io.statebus.Policy;
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
 * Smart batching of a keyed bus's transitions (wire version 6, {@link ExtendedRun}): the bridge sends what one duty
 * cycle's poll found as one run per message (as many as a message holds), a transition alone as a message alone,
 * each with its key; a mirror reads a run as its transitions one by one, each checked and applied as a message of
 * its own would be (ids, sequence, its key's chain), and a run held back by a BLOCK subscription goes on where it
 * stopped, refusing and counting nothing twice.
 */
class KeyedRunsOfTransitionsAreReadOneByOneTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);

    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));

    /** Records what a keyed mirror's subscription delivers, as "#seq key:from->to" and "gap first..last". */
    private static final class Seen implements KeyedTransitionHandler<Phase>
    {
        final List<String> seen = new ArrayList<>();
        long lastSequence;

        @Override
        public void onTransition(final KeyedTransition<Phase> t, final boolean endOfBatch)
        {
            seen.add("#" + t.sequence() + " " + t.key() + ":" + t.from() + "->" + t.to());
            lastSequence = t.sequence();
        }

        @Override
        public void onGap(final Gap<Phase> gap)
        {
            seen.add("gap " + gap.firstMissed() + ".." + gap.lastMissed());
        }
    }

    /**
     * Writes a run at 0: transition {@code i} at {@code sequences[i]} of key {@code keys[i]} from id
     * {@code ids[2i]} to id {@code ids[2i+1]}, timestamps 1000 + seq.
     */
    private int run(final long session, final long[] sequences, final long[] keys, final int[] ids)
    {
        WireFormat.write(buffer, 0, WireFormat.KEYED_TRANSITION, (short)0, 0, PHASES.size(), PHASES.fingerprint(),
            session, sequences[0], 1000 + sequences[0], ids[0], ids[1], keys[0], 0);
        final int extension = ExtendedRun.extensionOf(WireFormat.KEYED, sequences.length);
        buffer.putShort(WireFormat.EXTENSION_LENGTH_OFFSET, (short)extension, WireFormat.ORDER);
        for (int i = 1; i < sequences.length; i++)
        {
            final int entry = ExtendedRun.entryOffset(WireFormat.KEYED, 0, i);
            buffer.putLong(entry, sequences[i], WireFormat.ORDER);
            buffer.putLong(entry + 8, 1000 + sequences[i], WireFormat.ORDER);
            buffer.putLong(entry + ExtendedRun.THIRD_OFFSET, WireWords.states(ids[2 * i], ids[2 * i + 1], 0),
                WireFormat.ORDER);
            buffer.putLong(entry + ExtendedRun.FOURTH_OFFSET, keys[i], WireFormat.ORDER);
        }
        return WireFormat.LENGTH + extension;
    }

    /** A whole snapshot run of no keys: session {@code session} at {@code sequence}, retiring on no state. */
    private void emptyRun(final Publication publication, final long session, final long sequence)
    {
        WireFormat.write(buffer, 0, WireFormat.KEYED_SNAPSHOT_END, (short)0, 0, PHASES.size(), PHASES.fingerprint(),
            session, sequence, 1000 + sequence, 0, 0, WireFields.runEnd(0, 0), 0);
        Pump.inject(publication, buffer, WireFormat.lengthOf(WireFormat.KEYED));
    }

    /** A receiver with a keyed mirror of bus 0 (a ring of {@code capacity}) that an intruder started, no keys. */
    private record Rig(List<MalformedReason> told, ExclusivePublication intruder, MirrorReceiver receiver,
        MirroredKeyedBus<Phase> mirrored, KeyedSubscription<Phase> sub)
    {
    }

    private Rig rig(final TestDriver driver, final int stream, final int capacity, final long session,
        final long sequence)
    {
        final List<MalformedReason> told = new ArrayList<>();
        final ExclusivePublication intruder = driver.aeron.addExclusivePublication(TestDriver.IPC, stream);
        final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, stream), null,
            MalformedTold.into(told), 64);
        final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, b -> b.capacity(capacity).maxKeys(64));
        Pump.until(intruder::isConnected, Duration.ofSeconds(5), "connected", receiver);
        emptyRun(intruder, session, sequence);
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
        try (TestDriver driver = TestDriver.start("keyed-runs");
            KeyedStateBus<Phase> source = KeyedStateBus.builder(Phase.class).capacity(1024).maxKeys(64).build())
        {
            final io.aeron.Subscription raw = driver.aeron.addSubscription(TestDriver.IPC, 66);
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 66);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication).build();
            Pump.until(publication::isConnected, Duration.ofSeconds(5), "connected", bridge);
            final List<Integer> runLengths = new ArrayList<>();
            final List<String> got = new ArrayList<>(); // "seq key from->to" by id
            final io.aeron.logbuffer.FragmentHandler handler = (b, offset, length, header) ->
            {
                assertThat(WireFormat.check(b, offset, length)).isNull();
                if (WireFields.type(b, offset) == WireFormat.KEYED_TRANSITION)
                {
                    final int entries = ExtendedRun.entries(WireFormat.KEYED,
                        WireFields.extensionLength(WireFields.ids(b, offset)));
                    runLengths.add(1 + entries);
                    got.add(WireFields.sequence(b, offset) + " " + WireFields.firstLong(b, offset) + " " +
                        WireFields.fromId(b, offset) + "->" + WireFields.toId(b, offset));
                    for (int i = 1; i <= entries; i++)
                    {
                        final int entry = ExtendedRun.entryOffset(WireFormat.KEYED, offset, i);
                        final long ids = ExtendedRun.third(b, entry);
                        got.add(ExtendedRun.sequence(b, entry) + " " + ExtendedRun.fourth(b, entry) + " " +
                            WireFields.fromId(ids) + "->" + WireFields.toId(ids));
                    }
                }
            };
            final List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 200; i++) // keys 100..109 opened, then round-robin one state on, mod 4
            {
                final long key = 100 + (i - 1) % 10;
                if (i <= 10)
                {
                    source.open(key, Phase.PRE_OPEN);
                    expected.add(i + " " + key + " 0->0");
                }
                else
                {
                    final int from = source.get(key).ordinal();
                    source.set(key, Phase.values()[(from + 1) % 4]);
                    expected.add(i + " " + key + " " + from + "->" + (from + 1) % 4);
                }
            }
            Pump.until(() -> got.size() == 200, Duration.ofSeconds(10), "200 transitions", bridge,
                Pump.of("raw", () -> raw.poll(handler, 64)));
            source.set(100, Phase.OPEN); // key 100 is CLOSED (19 moves)
            Pump.until(() -> got.size() == 201, Duration.ofSeconds(10), "the 201st", bridge,
                Pump.of("raw", () -> raw.poll(handler, 64)));

            final int maxRun = (publication.maxPayloadLength() - WireFormat.LENGTH - 8) / 32 + 1;
            final List<Integer> lengths = new ArrayList<>();
            for (int left = 200; left > 0; left -= maxRun)
            {
                lengths.add(Math.min(left, maxRun)); // one poll took all 200: full runs, then the rest
            }
            lengths.add(1); // alone
            assertThat(maxRun).isGreaterThan(1);
            assertThat(runLengths).isEqualTo(lengths);
            assertThat(got.subList(0, 200)).isEqualTo(expected);
            assertThat(got.get(200)).isEqualTo("201 100 3->1");
            assertThat(bridge.sent()).isEqualTo(201);
            bridge.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void eachTransitionOfARunIsCheckedAndAppliedAsAMessageOfItsOwn() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-run-checks"))
        {
            final Rig rig = rig(driver, 67, 64, 111, 5);                             // session 111 at 5, no keys
            final List<MalformedReason> told = rig.told();
            final ExclusivePublication intruder = rig.intruder();
            final MirrorReceiver receiver = rig.receiver();
            final MirroredKeyedBus<Phase> mirrored = rig.mirrored();
            final KeyedSubscription<Phase> sub = rig.sub();
            final Seen seen = new Seen();

            // 6 opens key 1; 7 with a state id out of range (refused); 8 key 1 on; 11 opens key 2 after a jump
            offer(intruder, run(111, new long[] {6, 7, 8, 11}, new long[] {1, 1, 1, 2},
                new int[] {0, 0, 0, 9, 0, 1, 0, 0}));
            buffer.putShort(WireFormat.EXTENSION_LENGTH_OFFSET, (short)(8 + 30), WireFormat.ORDER);
            offer(intruder, WireFormat.LENGTH + 8 + 30);                             // not whole entries
            run(111, new long[] {12, 13, 14}, new long[] {1, 1, 1}, new int[] {1, 2, 2, 3, 3, 0});
            offer(intruder, WireFormat.LENGTH + 8 + ExtendedRun.ENTRY_LENGTH);       // cut short
            offer(intruder, run(111, new long[] {12}, new long[] {1}, new int[] {1, 2}));   // alone
            Pump.until(() -> seen.lastSequence == 12, Duration.ofSeconds(10), "12", receiver,
                Pump.of("reader", () -> sub.poll(seen, 64)));

            assertThat(told).containsExactly(MalformedReason.STATE_ID, MalformedReason.LENGTH,
                MalformedReason.TOO_SHORT);
            assertThat(seen.seen).containsExactly("#6 1:PRE_OPEN->PRE_OPEN", "gap 7..7", "#8 1:PRE_OPEN->OPEN",
                "gap 9..10", "#11 2:PRE_OPEN->PRE_OPEN", "#12 1:OPEN->HALTED");
            assertThat(mirrored.lost()).isEqualTo(3);

            // 13 key 2 on; 14 breaks key 1's chain (it is HALTED, not OPEN): refused; a further entry at sequence 0
            offer(intruder, run(111, new long[] {13, 14, 0}, new long[] {2, 1, 1}, new int[] {0, 1, 1, 3, 2, 3}));
            Pump.until(() -> seen.lastSequence == 13 && told.size() == 5, Duration.ofSeconds(10),
                "13 and two refusals", receiver, Pump.of("reader", () -> sub.poll(seen, 64)));
            assertThat(told).endsWith(MalformedReason.CHAIN, MalformedReason.SEQUENCE);
            assertThat(mirrored.bus().get(1)).isEqualTo(Phase.HALTED);
            assertThat(mirrored.bus().get(2)).isEqualTo(Phase.OPEN);
            assertThat(mirrored.latestSequence()).isEqualTo(13);
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aRunHeldBackByABlockSubscriptionGoesOnWhereItStoppedRefusingNothingTwice() throws Exception
    {
        try (TestDriver driver = TestDriver.start("keyed-run-held"))
        {
            final Rig rig = rig(driver, 68, 8, 222, 0);                              // session 222 at 0, no keys
            final List<MalformedReason> told = rig.told();
            final ExclusivePublication intruder = rig.intruder();
            final MirrorReceiver receiver = rig.receiver();
            final MirroredKeyedBus<Phase> mirrored = rig.mirrored();
            final KeyedSubscription<Phase> sub = rig.sub();
            final Seen seen = new Seen();

            // 1 opens key 7, 2..13 move it one state on each (mod 4); 3's to id out of range: refused, 4 after a gap
            final long[] sequences = new long[13];
            final long[] keys = new long[13];
            final int[] ids = new int[26];
            for (int i = 0; i < 13; i++)
            {
                sequences[i] = i + 1;
                keys[i] = 7;
                ids[2 * i] = i == 0 ? 0 : (i - 1) % 4;
                ids[2 * i + 1] = i % 4;
            }
            ids[5] = 9;
            offer(intruder, run(222, sequences, keys, ids));
            // a ring of 8 and a subscription that has consumed nothing: 1..8 (3 lost) go in, 9 is held back
            Pump.until(() -> mirrored.bus().latestSequence() == 8, Duration.ofSeconds(10), "1..8", receiver);
            for (int i = 0; i < 10; i++)
            {
                receiver.doWork(); // offered again each time, held back each time
            }
            assertThat(mirrored.bus().latestSequence()).isEqualTo(8);
            assertThat(told).containsExactly(MalformedReason.STATE_ID);

            Pump.until(() -> seen.lastSequence == 13, Duration.ofSeconds(10), "13", receiver,
                Pump.of("reader", () -> sub.poll(seen, 64)));
            assertThat(told).containsExactly(MalformedReason.STATE_ID); // once, though the run was offered 11 times
            assertThat(receiver.malformed()).isEqualTo(1);
            assertThat(seen.seen).hasSize(13).contains("gap 3..3").doesNotHaveDuplicates();
            assertThat(seen.seen.get(0)).isEqualTo("#1 7:PRE_OPEN->PRE_OPEN");
            assertThat(seen.seen.get(12)).isEqualTo("#13 7:CLOSED->PRE_OPEN");
            assertThat(mirrored.bus().get(7)).isEqualTo(Phase.PRE_OPEN); // 13: 12 % 4
            mirrored.refreshCounters(); // as the duty cycle does every millisecond: this thread is the duty cycle
            assertThat(mirrored.received()).isEqualTo(2); // the run of no keys and the run of transitions, counted once
            receiver.close();
        }
    }
}
