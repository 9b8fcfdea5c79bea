package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Mirror#tryAppendRun}: a batch of the source's transitions appended with one claim is exactly what appending
 * them one by one would give, and it stops, changing nothing more, at the first transition that does not follow
 * directly (a jump, a repeat, a broken chain) or finds no room, which {@link Mirror#tryAppend} then settles.
 */
@Timeout(60)
final class MirrorAppendsARunAsItsTransitionsTest
{
    private static final List<Integer> STATES = TestStates.integers(16);

    /**
     * A run over arrays: sequences, and the source's state after each (its from: the one before), as indices; its
     * timestamp at {@code failAt} throws, as a transport's read past its message would.
     */
    private record Run(long[] sequences, int[] from, int[] to, int failAt) implements MirrorRun<Integer>
    {
        static Run of(final long... sequences)
        {
            final int[] from = new int[sequences.length];
            final int[] to = new int[sequences.length];
            for (int i = 0; i < sequences.length; i++)
            {
                from[i] = stateAt(sequences[i] - 1);
                to[i] = stateAt(sequences[i]);
            }
            return new Run(sequences, from, to, -1);
        }

        Run failingAt(final int index)
        {
            return new Run(sequences, from, to, index);
        }

        @Override
        public long sequence(final int index)
        {
            return sequences[index];
        }

        @Override
        public long timestampNanos(final int index)
        {
            if (index == failAt)
            {
                throw new IndexOutOfBoundsException("no entry " + index);
            }
            return sequences[index] * 10;
        }

        @Override
        public int fromIndex(final int index)
        {
            return from[index];
        }

        @Override
        public int toIndex(final int index)
        {
            return to[index];
        }
    }

    private static int stateAt(final long n)
    {
        return (int)(n % 16);
    }

    /** Runs the executor's tasks until none is left (a drain task resubmits itself only while there is work). */
    private static void runAll(final java.util.Queue<Runnable> tasks)
    {
        for (int i = 0; i < 100 && !tasks.isEmpty(); i++)
        {
            tasks.poll().run();
        }
    }

    private static Mirror<Integer> mirrorAt(final long sequence, final int capacity)
    {
        return StateBus.builder(stateAt(sequence), STATES).capacity(capacity)
            .buildMirror(sequence, sequence == 0 ? 0 : stateAt(sequence - 1), sequence * 10);
    }

    @Test
    void aRunThatFollowsIsAppendedWholeWithTheSourcesSequencesStatesAndTimestamps()
    {
        try (Mirror<Integer> mirror = mirrorAt(100, 64))
        {
            final Subscription<Integer> sub = mirror.bus().subscribe(Policy.BLOCK);
            assertThat(mirror.tryAppendRun(Run.of(101, 102, 103, 104, 105, 106, 107, 108, 109, 110), 0, 10))
                .isEqualTo(10);
            final Recorder<Integer> got = new Recorder<>();
            TestAwait.drain(sub, got);
            assertThat(got.transitions).hasSize(10);
            for (int i = 0; i < 10; i++)
            {
                final Transition<Integer> t = got.transitions.get(i);
                assertThat(t.sequence()).isEqualTo(101 + i);
                assertThat(t.from()).isEqualTo(stateAt(100 + i));
                assertThat(t.to()).isEqualTo(stateAt(101 + i));
                assertThat(t.timestampNanos()).isEqualTo((101 + i) * 10L);
            }
            assertThat(got.gaps).isEmpty();
            assertThat(mirror.latestSequence()).isEqualTo(110);
            assertThat(mirror.bus().get()).isEqualTo(stateAt(110));
            assertThat(mirror.lost()).isZero();
        }
    }

    @Test
    void itStopsAtAJumpARepeatOrABrokenChainAndTryAppendSettlesThatOne()
    {
        try (Mirror<Integer> mirror = mirrorAt(0, 64))
        {
            final Subscription<Integer> sub = mirror.bus().subscribe(Policy.BLOCK);
            final Run jump = Run.of(1, 2, 3, 6, 7);
            assertThat(mirror.tryAppendRun(jump, 0, 5)).isEqualTo(3);
            assertThat(mirror.tryAppendRun(jump, 3, 2)).isZero(); // 6 after 3: 4..5 lost, tryAppend's to record
            assertThat(mirror.tryAppend(6, STATES.get(jump.from()[3]), STATES.get(jump.to()[3]), 60)).isTrue();
            assertThat(mirror.tryAppendRun(jump, 4, 1)).isEqualTo(1);
            assertThat(mirror.tryAppendRun(Run.of(6, 7, 8), 0, 3)).isZero(); // a repeat
            final Run broken = Run.of(8, 9);
            broken.from()[1] = stateAt(3);
            assertThat(mirror.tryAppendRun(broken, 0, 2)).isEqualTo(1);
            assertThatThrownBy(() -> mirror.tryAppend(9, STATES.get(broken.from()[1]), STATES.get(broken.to()[1]), 90))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chain broken at 9");
            final Recorder<Integer> got = new Recorder<>();
            TestAwait.drain(sub, got);
            assertThat(got.transitions).extracting(Transition::sequence).containsExactly(1L, 2L, 3L, 6L, 7L, 8L);
            assertThat(got.gaps).containsExactly("4..5->" + stateAt(5));
            assertThat(mirror.lost()).isEqualTo(2);
            assertThat(mirror.latestSequence()).isEqualTo(8);
        }
    }

    @Test
    void aRunTakesWhatTheRingHasRoomForAndNothingWhileABlockSubscriptionLeavesNoRoom()
    {
        try (Mirror<Integer> mirror = mirrorAt(0, 8))
        {
            final Subscription<Integer> sub = mirror.bus().subscribe(Policy.BLOCK);
            final Run run = Run.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
            assertThat(mirror.tryAppendRun(run, 0, 12)).isEqualTo(8); // a ring's worth
            assertThat(mirror.tryAppendRun(run, 8, 4)).isZero(); // no room: nothing appended
            assertThat(mirror.latestSequence()).isEqualTo(8);
            final Recorder<Integer> got = new Recorder<>();
            assertThat(sub.poll(got, 3)).isEqualTo(3);
            assertThat(mirror.tryAppendRun(run, 8, 4)).isEqualTo(3); // room for 3 of the 4 offered
            assertThat(mirror.tryAppend(12, stateAt(11), stateAt(12), 120)).isFalse(); // held back
            TestAwait.drain(sub, got);
            assertThat(mirror.tryAppendRun(run, 11, 1)).isEqualTo(1);
            TestAwait.drain(sub, got);
            assertThat(got.transitions).extracting(Transition::sequence)
                .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
            assertThat(got.gaps).isEmpty();
        }
    }

    @Test
    void afterALostLatestTheOneByOneAppendDecides()
    {
        try (Mirror<Integer> mirror = mirrorAt(0, 8))
        {
            final Subscription<Integer> sub = mirror.bus().subscribe(Policy.BLOCK);
            final Run run = Run.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
            // 1..11 never arrived, more than a ring: recorded lost, and 12 waits for the subscription to pass them
            assertThat(mirror.tryAppend(12, stateAt(11), stateAt(12), 120)).isFalse();
            final Recorder<Integer> got = new Recorder<>();
            TestAwait.drain(sub, got);
            assertThat(mirror.tryAppendRun(run, 11, 3)).isZero(); // the latest, 11, is lost: no chain to follow
            assertThat(mirror.tryAppend(12, stateAt(11), stateAt(12), 120)).isTrue();
            assertThat(mirror.tryAppendRun(run, 12, 2)).isEqualTo(2);
            TestAwait.drain(sub, got);
            assertThat(got.transitions).extracting(Transition::sequence).containsExactly(12L, 13L, 14L);
            assertThat(got.gaps).containsExactly("1..11->" + stateAt(11));
        }
    }

    @Test
    void aStateIndexOutsideTheBussStatesStopsTheRunAndChangesNothing()
    {
        try (Mirror<Integer> mirror = mirrorAt(0, 8))
        {
            final Run run = Run.of(1, 2, 3);
            run.to()[1] = 16; // 16 states: 0..15
            assertThat(mirror.tryAppendRun(run, 0, 3)).isEqualTo(1);
            run.to()[1] = -1;
            assertThat(mirror.tryAppendRun(run, 1, 2)).isZero();
            assertThat(mirror.latestSequence()).isEqualTo(1);
            assertThat(mirror.bus().get()).isEqualTo(stateAt(1));
        }
    }

    @Test
    void anAwaitOnTheMirrorIsAnsweredByARun() throws Exception
    {
        try (Mirror<Integer> mirror = mirrorAt(0, 8))
        {
            final CountDownLatch waiting = new CountDownLatch(1);
            final AtomicReference<Awaited<Integer>> answer = new AtomicReference<>();
            final Thread waiter = new Thread(() ->
            {
                try
                {
                    final PendingAwait<Integer> pending = mirror.bus().prepareAwait(5);
                    waiting.countDown();
                    answer.set(pending.await(10, TimeUnit.SECONDS));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            waiter.start();
            assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(mirror.tryAppendRun(Run.of(1, 2, 3, 4, 5, 6, 7), 0, 7)).isEqualTo(7);
            TestAwait.ended(waiter);
            assertThat(answer.get().outcome()).isEqualTo(Awaited.Outcome.MATCHED);
            assertThat(answer.get().transition().sequence()).isEqualTo(5);
        }
    }

    /**
     * A run whose source throws part-way (a transport's index past its message) leaves the mirror as if the run had
     * been offered up to there: what was appended is told to the mirror's subscriptions, and no slot stays claimed
     * but unpublished, after which every claim (a loss of more than a ring needs the whole ring free) would be short.
     */
    @Test
    void aRunThatThrowsPartWayLeavesTheAppendedToldAndTheRingWhole()
    {
        try (Mirror<Integer> mirror = mirrorAt(0, 8))
        {
            mirror.append(1, 0, 1, 10); // this thread owns the mirror: the subscription below needs no second look
            final java.util.Queue<Runnable> tasks = new java.util.ArrayDeque<>();
            final Recorder<Integer> got = new Recorder<>();
            final Subscription<Integer> sub = mirror.bus().subscribe(Policy.BLOCK, got, tasks::add);
            runAll(tasks);
            final Run run = Run.of(2, 3, 4);
            assertThatThrownBy(() -> mirror.tryAppendRun(run.failingAt(1), 0, 3)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThat(tasks).as("the executor subscription was told of what the run appended").isNotEmpty();
            runAll(tasks);
            assertThat(got.transitions).extracting(Transition::sequence).containsExactly(2L);
            assertThat(mirror.tryAppendRun(run, 1, 2)).isEqualTo(2);
            runAll(tasks);
            mirror.tryAppend(100, 7, 8, 1_000); // false: the subscription has yet to skip the loss, now recorded
            assertThat(mirror.latestSequence()).as("the whole ring was free: a loss was recorded").isEqualTo(99);
        }
    }

    @Test
    void aClosedMirrorOrAnotherAppendingThreadIsRefused() throws Exception
    {
        final Mirror<Integer> mirror = mirrorAt(0, 8);
        mirror.tryAppendRun(Run.of(1), 0, 1);
        final AtomicReference<Throwable> other = new AtomicReference<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                mirror.tryAppendRun(Run.of(2), 0, 1);
            }
            catch (final RuntimeException ex)
            {
                other.set(ex);
            }
        });
        thread.start();
        TestAwait.ended(thread);
        assertThat(other.get()).isInstanceOf(IllegalStateException.class);
        mirror.close();
        assertThatThrownBy(() -> mirror.tryAppendRun(Run.of(2), 0, 1)).isInstanceOf(StateBusClosedException.class);
        assertThat(mirror.latestSequence()).isEqualTo(1);
    }
}
