package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * A mirror's loss is one exact gap for every subscription whatever its size: also a jump as far as a slot's
 * sequence tag reaches (2^38) or wraps (2^39), which a source that ran on for hours while its mirror was away
 * makes, and which leaves the ring's older words that far behind the sequences read.
 */
@Timeout(60)
final class MirrorLossOfAnySizeIsOneExactGapTest
{
    private static final List<Integer> STATES = TestStates.integers(16);
    /** A jump to the tag's reach, and two onto its wrap: the slot read next then holds a word whose tag matches. */
    private static final long[] FAR = {(1L << 38) + 2, (1L << 39) + 1, (1L << 39) + 2};

    /** Offers the append until the BLOCK subscription has skipped the loss, polling it in between (bounded). */
    private static void appendPolling(final BooleanSupplier tryAppend, final Runnable poll, final String what)
    {
        for (int i = 0; i < 1_000; i++)
        {
            if (tryAppend.getAsBoolean())
            {
                return;
            }
            poll.run();
        }
        throw new AssertionError("the BLOCK subscription never let " + what + " in");
    }

    @Test
    void aStateMirrorsFarJumpIsOneGapForBlockAndGapSubscriptions()
    {
        for (final long far : FAR)
        {
            try (Mirror<Integer> mirror = StateBus.builder(0, STATES).capacity(4).buildMirror(0, 0, 0))
            {
                final Subscription<Integer> block = mirror.bus().subscribe(Policy.BLOCK);
                final Subscription<Integer> polled = mirror.bus().subscribe(Policy.GAP);
                final Subscription<Integer> idle = mirror.bus().subscribe(Policy.GAP);
                mirror.append(1, 0, 1, 10);
                final Recorder<Integer> blockGot = new Recorder<>();
                final Recorder<Integer> polledGot = new Recorder<>();
                TestAwait.drain(block, blockGot);
                TestAwait.drain(polled, polledGot);
                appendPolling(() -> mirror.tryAppend(far, 3, 5, 77), () -> block.poll(blockGot, 256), "#" + far);
                TestAwait.drain(block, blockGot);
                TestAwait.drain(polled, polledGot);
                for (final Recorder<Integer> got : List.of(blockGot, polledGot))
                {
                    assertThat(got.transitions).as("jump to %d", far).extracting(Transition::sequence)
                        .containsExactly(1L, far);
                    assertThat(got.transitions.get(1).timestampNanos()).isEqualTo(77);
                    assertThat(got.gaps).as("jump to %d", far).containsExactly("2.." + (far - 1) + "->3");
                }
                assertThat(block.missed()).isEqualTo(far - 2);
                assertThat(polled.missed()).isEqualTo(far - 2);
                final Recorder<Integer> idleGot = new Recorder<>();
                TestAwait.drain(idle, idleGot);
                checkFromTheStart(idleGot, idle, far);
            }
        }
    }

    /** A GAP subscription that never polled: transition 1 (if still in the ring), one gap, then the far one. */
    private static void checkFromTheStart(final Recorder<Integer> got, final Subscription<Integer> idle, final long far)
    {
        final List<String> events = new ArrayList<>(got.gaps);
        got.transitions.forEach(t -> events.add("#" + t.sequence() + " " + t.from() + "->" + t.to()));
        final String last = "#" + far + " 3->5";
        assertThat(events).as("jump to %d", far).isIn(
            List.of("2.." + (far - 1) + "->3", "#1 0->1", last), List.of("1.." + (far - 1) + "->3", last));
        assertThat(idle.delivered() + idle.missed()).isEqualTo(far);
        assertThat(idle.position()).isEqualTo(far);
    }

    /**
     * Losses that skip the same slots lap after lap (every sequence but each ring's last) until the cursor is past
     * the tag's reach: the words those slots kept must not read as sequences ahead when a subscription polls.
     */
    @Test
    void slotsLostLapAfterLapUntilPastTheTagsReachAreOneGap()
    {
        final int capacity = 1 << 20;
        final long laps = ((1L << 38) >> 20) + 1;
        try (Mirror<Integer> mirror = StateBus.builder(0, STATES).capacity(capacity).buildMirror(0, 0, 0))
        {
            final Subscription<Integer> gap = mirror.bus().subscribe(Policy.GAP);
            for (long lap = 1; lap <= laps; lap++)
            {
                mirror.append(lap * capacity, 3, 5, lap); // capacity - 1 lost before each: never a skip of a ring
            }
            final long last = laps * capacity;
            final Recorder<Integer> got = new Recorder<>();
            TestAwait.drain(gap, got);
            assertThat(got.transitions).extracting(Transition::sequence).containsExactly(last);
            assertThat(got.gaps).containsExactly("1.." + (last - 1) + "->3");
            assertThat(gap.position()).isEqualTo(last);
            assertThat(gap.missed()).isEqualTo(last - 1);
        }
    }

    /**
     * A subscription that joins while the mirror's latest sequence is a lost one (a loss recorded, its next
     * transition not yet appended) joins there, in the source's state there (the held transition's from, so its
     * first transition is chained to its join state; before, it joined in the state before the loss and then
     * received #100 from another state with no gap notice): the loss came before it, so it is not told of it, as a
     * subscription of the long mirror is not.
     */
    @Test
    void aSubscriptionJoiningAtALostLatestSequenceJoinsThere()
    {
        try (Mirror<Integer> mirror = StateBus.builder(0, STATES).capacity(4).buildMirror(0, 0, 0);
             KeyedMirror<Integer> keyed = KeyedStateBus.builder(STATES).capacity(4).maxKeys(4).buildMirror(0, 0))
        {
            final Subscription<Integer> block = mirror.bus().subscribe(Policy.BLOCK);
            mirror.append(1, 0, 1, 10);
            TestAwait.drain(block, new Recorder<>());
            assertThat(mirror.tryAppend(100, 7, 8, 1_000)).as("the loss is recorded, 100 waits for block").isFalse();
            assertThat(mirror.latestSequence()).isEqualTo(99);
            final Subscription<Integer> late = mirror.bus().subscribe(Policy.BLOCK);
            assertThat(late.joinSequence()).isEqualTo(99);
            assertThat(late.joinState()).as("the source's state at 99: #100's from, not the state before the loss")
                .isEqualTo(7);
            assertThat(mirror.bus().get()).isEqualTo(7);
            appendPolling(() -> mirror.tryAppend(100, 7, 8, 1_000), () -> block.poll(new Recorder<>(), 256), "#100");
            final Recorder<Integer> got = new Recorder<>();
            TestAwait.drain(late, got);
            assertThat(got.transitions).extracting(Transition::sequence).containsExactly(100L);
            assertThat(got.transitions.get(0).from()).as("chained to its join state").isEqualTo(late.joinState());
            assertThat(got.gaps).isEmpty();
            assertThat(late.missed()).isZero();

            keyed.seed(7, 2);
            assertThat(keyed.lostUpTo(50)).isTrue();
            final KeyedSubscription<Integer> keyedLate = keyed.bus().subscribe(Policy.BLOCK);
            assertThat(keyedLate.subscription().joinSequence()).isEqualTo(50);
            keyed.append(51, 7, 2, 3, 510);
            final List<Long> sequences = new ArrayList<>();
            assertThat(keyedLate.poll((t, end) -> sequences.add(t.sequence()), 16)).isEqualTo(1);
            assertThat(sequences).containsExactly(51L);
            assertThat(keyedLate.missed()).isZero();
        }
    }

    /**
     * An await registered while the mirror's latest sequence is a lost one answers from the state the mirror knows
     * (no transition it has led there): it neither spins on a replay of that sequence nor misses what follows.
     */
    @Test
    void anAwaitRegisteredAtALostLatestSequenceAnswers() throws Exception
    {
        try (Mirror<Integer> mirror = StateBus.builder(0, STATES).capacity(4).buildMirror(0, 0, 0);
             LongMirror values = StateBus.longBuilder(0).capacity(4).buildMirror(0, 0, 0))
        {
            final Subscription<Integer> block = mirror.bus().subscribe(Policy.BLOCK);
            mirror.append(1, 0, 1, 10);
            TestAwait.drain(block, new Recorder<>());
            assertThat(mirror.tryAppend(100, 7, 8, 1_000)).as("the loss is recorded, 100 waits for block").isFalse();
            final Awaited<Integer> already = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> mirror.bus().prepareAwait(7).await(Duration.ZERO)); // #100's from: the state at 99
            assertThat(already.outcome()).isEqualTo(Awaited.Outcome.ALREADY);
            assertThat(already.transition().to()).isEqualTo(7);
            final PendingAwait<Integer> eight = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> mirror.bus().prepareAwait(8));
            appendPolling(() -> mirror.tryAppend(100, 7, 8, 1_000), () -> block.poll(new Recorder<>(), 256), "#100");
            final Awaited<Integer> matched = eight.await(Duration.ofSeconds(10));
            assertThat(matched.outcome()).isEqualTo(Awaited.Outcome.MATCHED);
            assertThat(matched.transition().sequence()).isEqualTo(100);

            final LongSubscription held = values.bus().subscribe(Policy.BLOCK);
            values.append(1, 0, 6, 10);
            held.poll((t, end) -> { }, 16);
            assertThat(values.tryAppend(100, 7, 8, 1_000)).isFalse();
            assertThat(values.latestSequence()).isEqualTo(99);
            assertThat(values.bus().get()).as("#100's from: the value at 99").isEqualTo(7);
            final Awaited<Long> seven = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> values.bus().prepareAwait(v -> v == 7).await(Duration.ZERO));
            assertThat(seven.outcome()).isEqualTo(Awaited.Outcome.ALREADY);
        }
    }

    /**
     * A jump to a mirror's last sequence is one gap too (and so are the polls after it, whose batch ends must not
     * overflow); the sequence after it is refused, saying why.
     */
    @Test
    void aMirrorReachesItsLastSequenceAndRefusesThePastItClearly()
    {
        final long last = Mirror.SEQUENCE_LIMIT - 1;
        try (Mirror<Integer> mirror = StateBus.builder(0, STATES).capacity(4).buildMirror(0, 0, 0))
        {
            final Subscription<Integer> block = mirror.bus().subscribe(Policy.BLOCK);
            final Recorder<Integer> got = new Recorder<>();
            mirror.append(1, 0, 1, 10);
            appendPolling(() -> mirror.tryAppend(last, 3, 5, 77), () -> block.poll(got, 256), "the last sequence");
            TestAwait.drain(block, got);
            assertThat(got.transitions).extracting(Transition::sequence).containsExactly(1L, last);
            assertThat(got.gaps).containsExactly("2.." + (last - 1) + "->3");
            for (final long past : new long[] {last + 1, Long.MAX_VALUE})
            {
                assertThatThrownBy(() -> mirror.append(past, 5, 6, 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below 2^62");
            }
            assertThat(mirror.latestSequence()).isEqualTo(last);
        }
        assertThatThrownBy(() -> StateBus.builder(0, STATES).buildMirror(Long.MAX_VALUE, 0, 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below 2^62");
        assertThatThrownBy(() -> StateBus.longBuilder(0).buildMirror(LongMirror.SEQUENCE_LIMIT, 0, 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below 2^62");
        assertThatThrownBy(() -> KeyedStateBus.builder(STATES).buildMirror(KeyedStateBus.SEQUENCE_LIMIT, 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("below 2^50");
    }

    @Test
    void aLongMirrorsFarJumpIsOneGap()
    {
        for (final long far : FAR)
        {
            try (LongMirror mirror = StateBus.longBuilder(0).capacity(4).buildMirror(0, 0, 0))
            {
                final LongSubscription block = mirror.bus().subscribe(Policy.BLOCK);
                final List<String> got = new ArrayList<>();
                final LongTransitionHandler recorder = new LongTransitionHandler()
                {
                    @Override
                    public void onTransition(final LongTransition t, final boolean endOfBatch)
                    {
                        got.add("#" + t.sequence() + " " + t.from() + "->" + t.to());
                    }

                    @Override
                    public void onGap(final LongGap gap)
                    {
                        got.add(gap.firstMissed() + ".." + gap.lastMissed() + "->" + gap.resumeValue());
                    }
                };
                mirror.append(1, 0, 100, 10);
                appendPolling(() -> mirror.tryAppend(far, 300, 500, 77), () -> block.poll(recorder, 256), "#" + far);
                while (block.poll(recorder, 256) > 0)
                {
                    assertThat(got).as("bounded").hasSizeLessThan(10);
                }
                assertThat(got).as("jump to %d", far)
                    .containsExactly("#1 0->100", "2.." + (far - 1) + "->300", "#" + far + " 300->500");
                assertThat(mirror.bus().get()).isEqualTo(500);
            }
        }
    }

    @Test
    void aKeyedMirrorsFarLossIsOneGap()
    {
        for (final long far : FAR)
        {
            try (KeyedMirror<Integer> mirror = KeyedStateBus.builder(STATES).capacity(4).maxKeys(4).buildMirror(0, 0))
            {
                mirror.seed(7, 2);
                final KeyedSubscription<Integer> block = mirror.bus().subscribe(Policy.BLOCK);
                final List<String> got = new ArrayList<>();
                final KeyedTransitionHandler<Integer> recorder = new KeyedTransitionHandler<>()
                {
                    @Override
                    public void onTransition(final KeyedTransition<Integer> t, final boolean endOfBatch)
                    {
                        got.add("#" + t.sequence() + " " + t.key() + ":" + t.from() + "->" + t.to());
                    }

                    @Override
                    public void onGap(final Gap<Integer> gap)
                    {
                        got.add(gap.firstMissed() + ".." + gap.lastMissed());
                    }
                };
                mirror.append(1, 7, 2, 3, 10);
                assertThat(block.poll(recorder, 256)).isEqualTo(1);
                assertThat(mirror.lostUpTo(far - 1)).isTrue();
                appendPolling(() -> mirror.tryAppend(far, 7, 4, 5, 77), () -> block.poll(recorder, 256), "#" + far);
                while (block.poll(recorder, 256) > 0)
                {
                    assertThat(got).as("bounded").hasSizeLessThan(10);
                }
                assertThat(got).as("loss up to %d", far - 1)
                    .containsExactly("#1 7:2->3", "2.." + (far - 1), "#" + far + " 7:4->5");
                assertThat(mirror.bus().get(7)).isEqualTo(5);
            }
        }
    }
}
