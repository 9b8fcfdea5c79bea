package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A mirror's bus (DESIGN: "Aeron", the engine entry a transport uses): its consumers see the source's sequences,
 * chain and timestamps; every sequence the mirror never received is reported to every subscription, BLOCK ones
 * included, as an exact gap; nothing else is ever missing or made up.
 */
@Timeout(60)
final class MirrorKeepsTheSourcesSequencesTest
{
    private static final List<Integer> STATES = TestStates.integers(16);

    /** The source's state after sequence n in these tests. */
    private static int stateAt(final long n)
    {
        return (int)(n % 16);
    }

    private static Mirror<Integer> mirrorAt(final long sequence, final int capacity)
    {
        return StateBus.builder(stateAt(sequence), STATES).capacity(capacity)
            .buildMirror(sequence, sequence == 0 ? 0 : stateAt(sequence - 1), sequence * 10);
    }

    private static void append(final Mirror<Integer> mirror, final long n)
    {
        mirror.append(n, stateAt(n - 1), stateAt(n), n * 10);
    }

    @Test
    void consumersSeeTheSourcesTransitionsWithTheirSequencesAndTimestamps() throws Exception
    {
        final long[] clock = {1_000};
        try (StateBus<Connection> source = StateBus.builder(Connection.DISCONNECTED).clock(() -> clock[0] += 7).build();
             Mirror<Connection> mirror = StateBus.builder(Connection.DISCONNECTED).buildMirror(0, Connection.DISCONNECTED, 0))
        {
            final Subscription<Connection> bridge = source.subscribe(Policy.BLOCK);
            final Subscription<Connection> local = mirror.bus().subscribe(Policy.BLOCK);
            for (int i = 0; i < 12; i++)
            {
                source.set(TestStates.CYCLE[i % TestStates.CYCLE.length]);
            }
            final Recorder<Connection> sent = new Recorder<>();
            TestAwait.drain(bridge, sent);
            for (final Transition<Connection> t : sent.transitions)
            {
                mirror.append(t.sequence(), t.from(), t.to(), t.timestampNanos());
            }
            final Recorder<Connection> received = new Recorder<>();
            TestAwait.drain(local, received);

            assertThat(received.transitions).hasSize(12);
            for (int i = 0; i < 12; i++)
            {
                final Transition<Connection> a = sent.transitions.get(i);
                final Transition<Connection> b = received.transitions.get(i);
                assertThat(b.sequence()).isEqualTo(a.sequence());
                assertThat(b.from()).isEqualTo(a.from());
                assertThat(b.to()).isEqualTo(a.to());
                assertThat(b.timestampNanos()).isEqualTo(a.timestampNanos());
            }
            assertThat(received.gaps).isEmpty();
            assertThat(mirror.bus().get()).isEqualTo(source.get());
            assertThat(mirror.latestSequence()).isEqualTo(source.latestSequence());
            assertThat(mirror.lost()).isZero();
        }
    }

    @Test
    void aMirrorStartedMidStreamBeginsAtTheSourcesSequenceAndState()
    {
        try (Mirror<Integer> mirror = mirrorAt(1_000_003, 8))
        {
            final StateBus<Integer> bus = mirror.bus();
            assertThat(bus.latestSequence()).isEqualTo(1_000_003);
            assertThat(bus.get()).isEqualTo(stateAt(1_000_003));
            final Subscription<Integer> sub = bus.subscribe(Policy.BLOCK);
            assertThat(sub.joinSequence()).isEqualTo(1_000_003);
            assertThat(sub.joinState()).isEqualTo(stateAt(1_000_003));
            final Subscription<Integer> replay = bus.subscribe(Policy.GAP, 1_000_003);
            final Recorder<Integer> replayed = new Recorder<>();
            TestAwait.drain(replay, replayed);
            assertThat(replayed.transitions).extracting(Transition::sequence).containsExactly(1_000_003L);
            assertThat(replayed.transitions.get(0).from()).isEqualTo(stateAt(1_000_002));
            for (long n = 1_000_004; n <= 1_000_020; n++)
            {
                append(mirror, n);
                if (n % 4 == 0)
                {
                    TestAwait.drain(sub, new Recorder<>());
                }
            }
            final Recorder<Integer> got = new Recorder<>();
            TestAwait.drain(sub, got);
            assertThat(got.gaps).isEmpty();
            assertThat(sub.delivered()).isEqualTo(17);
            assertThat(bus.get()).isEqualTo(stateAt(1_000_020));
        }
    }

    @Test
    void lostSequencesReachEverySubscriptionAsOneExactGap()
    {
        try (Mirror<Integer> mirror = mirrorAt(0, 8))
        {
            final StateBus<Integer> bus = mirror.bus();
            final Subscription<Integer> block = bus.subscribe(Policy.BLOCK);
            final Subscription<Integer> gap = bus.subscribe(Policy.GAP);
            append(mirror, 1);
            append(mirror, 2);
            append(mirror, 5); // 3 and 4 never arrived
            append(mirror, 6);
            for (final Subscription<Integer> sub : List.of(block, gap))
            {
                final Recorder<Integer> got = new Recorder<>();
                TestAwait.drain(sub, got);
                assertThat(got.transitions).extracting(Transition::sequence).containsExactly(1L, 2L, 5L, 6L);
                assertThat(got.gaps).containsExactly("3..4->" + stateAt(4));
                assertThat(sub.missed()).isEqualTo(2);
                assertThat(sub.gaps()).isEqualTo(1);
            }
            assertThat(mirror.lost()).isEqualTo(2);
            assertThat(bus.latestSequence()).isEqualTo(6);
        }
    }

    @Test
    void moreThanARingLostIsSkippedWithOneWriteAndReportedExactly() throws Exception
    {
        try (Mirror<Integer> mirror = mirrorAt(0, 8))
        {
            final StateBus<Integer> bus = mirror.bus();
            final Subscription<Integer> block = bus.subscribe(Policy.BLOCK);
            final Subscription<Integer> gap = bus.subscribe(Policy.GAP);
            append(mirror, 1);
            append(mirror, 2);
            final Recorder<Integer> gapGot = new Recorder<>();
            TestAwait.drain(gap, gapGot); // before the skip: 1001's slot is 1's, so a later poll would be lapped there
            // the BLOCK subscription has not consumed 1..2: skipping more than a ring must wait for it
            assertThat(mirror.tryAppend(1_000, stateAt(999), stateAt(1_000), 10_000, Duration.ofMillis(20))).isFalse();
            assertThat(bus.latestSequence()).isEqualTo(2);
            assertThat(mirror.lost()).isZero();
            // once it polls, the skip is one write, and the append after it waits until the subscription has
            // skipped the lost range: another thread polls while this one appends
            final Recorder<Integer> blockGot = new Recorder<>();
            final Thread consumer = new Thread(() -> TestAwait.until(() ->
            {
                block.poll(blockGot, 64);
                return block.position() == 1_001;
            }, "the BLOCK subscription reached 1001"), "consumer");
            consumer.start();
            assertThat(mirror.tryAppend(1_000, stateAt(999), stateAt(1_000), 10_000, Duration.ofSeconds(10))).isTrue();
            append(mirror, 1_001);
            TestAwait.ended(consumer);
            TestAwait.drain(gap, gapGot);
            for (final Recorder<Integer> got : List.of(blockGot, gapGot))
            {
                assertThat(got.transitions).extracting(Transition::sequence).containsExactly(1L, 2L, 1_000L, 1_001L);
                assertThat(got.gaps).containsExactly("3..999->" + stateAt(999));
            }
            assertThat(block.missed()).isEqualTo(997);
            assertThat(block.gaps()).isEqualTo(1);
            assertThat(gap.missed()).isEqualTo(997);
            assertThat(mirror.lost()).isEqualTo(997);
            assertThat(bus.get()).isEqualTo(stateAt(1_001));
        }
    }

    @Test
    void badAppendsAndLocalChangesAreRefusedAndChangeNothing() throws Exception
    {
        try (Mirror<Integer> mirror = mirrorAt(10, 8))
        {
            final StateBus<Integer> bus = mirror.bus();
            assertThatThrownBy(() -> bus.set(3)).isInstanceOf(IllegalStateException.class).hasMessageContaining("mirror");
            assertThatThrownBy(() -> bus.compareAndSet(stateAt(10), 3)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> mirror.append(10, stateAt(9), stateAt(10), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not after the latest");
            assertThatThrownBy(() -> mirror.append(11, 7, stateAt(11), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("chain broken");
            assertThatThrownBy(() -> mirror.append(11, stateAt(10), 99, 0))
                .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> StateBus.builder(0, STATES).buildMirror(-1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
            append(mirror, 11);
            final AtomicReference<Throwable> other = new AtomicReference<>();
            final Thread thread = new Thread(() ->
            {
                try
                {
                    append(mirror, 12);
                }
                catch (final Throwable ex)
                {
                    other.set(ex);
                }
            });
            thread.start();
            TestAwait.ended(thread);
            assertThat(other.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("appends to it");
            assertThat(bus.latestSequence()).isEqualTo(11);
            assertThat(bus.get()).isEqualTo(stateAt(11));
            assertThat(mirror.lost()).isZero();
        }
    }

    @Test
    void aBlockSubscriptionHoldsTheAppendingThreadBack() throws Exception
    {
        try (Mirror<Integer> mirror = mirrorAt(0, 4))
        {
            final Subscription<Integer> block = mirror.bus().subscribe(Policy.BLOCK);
            for (long n = 1; n <= 4; n++)
            {
                append(mirror, n);
            }
            assertThat(mirror.tryAppend(5, stateAt(4), stateAt(5), 0, Duration.ofMillis(20))).isFalse();
            assertThat(mirror.tryAppend(5, stateAt(4), stateAt(5), 0)).as("one attempt, no wait").isFalse();
            assertThat(mirror.latestSequence()).isEqualTo(4);
            // a lost sequence needs a slot too: 6 after 4 claims two
            TestAwait.drain(block, new Recorder<>());
            assertThat(mirror.tryAppend(7, stateAt(6), stateAt(7), 0)).isTrue();
            assertThat(mirror.lost()).isEqualTo(2);
        }
    }

    @Test
    void anAwaitOnTheMirrorIsAnsweredByAnAppend() throws Exception
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
            for (long n = 1; n <= 7; n++)
            {
                append(mirror, n);
            }
            TestAwait.ended(waiter);
            assertThat(answer.get().outcome()).isEqualTo(Awaited.Outcome.MATCHED);
            assertThat(answer.get().transition().sequence()).isEqualTo(5);
        }
    }

    /**
     * One thread appends with random losses (some more than a ring); a BLOCK handler thread and a GAP poller each
     * account for every sequence exactly once: delivered with the source's states, or inside one gap notice. The
     * BLOCK subscription's gaps are exactly the lost ranges.
     */
    @Test
    void underLoadEverySequenceIsDeliveredOrReportedLostExactlyOnce() throws Exception
    {
        final int capacity = 16;
        final long last = 200_000;
        try (Mirror<Integer> mirror = mirrorAt(0, capacity))
        {
            final StateBus<Integer> bus = mirror.bus();
            final Accounting blockSeen = new Accounting(0);
            final Subscription<Integer> block = bus.subscribe(Policy.BLOCK, blockSeen);
            final Subscription<Integer> gap = bus.subscribe(Policy.GAP);
            final List<String> lostRanges = new ArrayList<>();
            final Thread feeder = new Thread(() ->
            {
                // the lost ranges are written here and read after join()
                final SplittableRandom random = new SplittableRandom(42);
                long n = 1;
                while (n <= last)
                {
                    if (random.nextInt(100) < 3 && n < last)
                    {
                        final long skip = 1 + random.nextInt(3 * capacity);
                        final long next = Math.min(last, n + skip);
                        lostRanges.add(n + ".." + (next - 1));
                        n = next;
                    }
                    append(mirror, n++);
                }
            }, "feeder");
            feeder.start();
            final Accounting gapSeen = new Accounting(0);
            TestAwait.until(() ->
            {
                gap.poll(gapSeen, 256);
                return !feeder.isAlive() && gap.lag() == 0;
            }, "the GAP subscription consumed everything");
            TestAwait.ended(feeder);
            TestAwait.until(() -> block.position() == last, "the handler thread consumed everything");
            block.close();
            blockSeen.checkEnded(last);
            gapSeen.checkEnded(last);
            assertThat(blockSeen.gaps).as("a BLOCK subscription misses exactly what was lost").isEqualTo(lostRanges);
            assertThat(block.missed()).isEqualTo(mirror.lost());
            assertThat(gap.missed()).isGreaterThanOrEqualTo(mirror.lost());
        }
    }

    /**
     * One thread appends (never waiting) and polls a BLOCK subscription in turns, with random losses of up to three
     * rings: every interleaving of a skip with a half-consumed ring, deterministic. Each lost range is reported
     * once and exactly; nothing is ever stuck.
     */
    @Test
    void appendsAndPollsInterleavedOnOneThreadAccountForEverySequence() throws Exception
    {
        final int capacity = 16;
        final long last = 100_000;
        try (Mirror<Integer> mirror = mirrorAt(0, capacity))
        {
            final Subscription<Integer> block = mirror.bus().subscribe(Policy.BLOCK);
            final Accounting seen = new Accounting(0);
            final List<String> lostRanges = new ArrayList<>();
            final SplittableRandom random = new SplittableRandom(7);
            long n = 1;
            while (n <= last)
            {
                long target = n;
                if (random.nextInt(100) < 3 && n < last)
                {
                    target = Math.min(last, n + 1 + random.nextInt(3 * capacity));
                    lostRanges.add(n + ".." + (target - 1));
                }
                int idle = 0;
                while (!mirror.tryAppend(target, stateAt(target - 1), stateAt(target), target * 10, Duration.ZERO))
                {
                    final long before = block.position();
                    block.poll(seen, 1 + random.nextInt(2 * capacity));
                    idle = block.position() == before ? idle + 1 : 0;
                    assertThat(idle).as("stuck before %d at %d", target, before).isLessThan(3);
                }
                n = target + 1;
            }
            TestAwait.drain(block, seen);
            seen.checkEnded(last);
            assertThat(seen.gaps).isEqualTo(lostRanges);
            assertThat(block.missed()).isEqualTo(mirror.lost());
        }
    }

    /** Checks each transition and gap against the source's formula and that every sequence is accounted once. */
    private static final class Accounting implements TransitionHandler<Integer>
    {
        final List<String> gaps = new ArrayList<>();
        final List<String> wrong = new ArrayList<>();
        long next;
        long gapResume = -1;
        int gapResumeState;

        Accounting(final long joinedAt)
        {
            this.next = joinedAt + 1;
        }

        @Override
        public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
        {
            if (t.sequence() != next || t.from() != stateAt(t.sequence() - 1) || t.to() != stateAt(t.sequence()) ||
                t.timestampNanos() != t.sequence() * 10 ||
                (gapResume >= 0 && (gapResume != t.sequence() || gapResumeState != t.from())))
            {
                wrong.add("#" + t.sequence() + " " + t.from() + "->" + t.to() + " expected #" + next);
            }
            gapResume = -1;
            next = t.sequence() + 1;
        }

        @Override
        public void onGap(final Gap<Integer> gap)
        {
            if (gap.firstMissed() != next || gap.lastMissed() < gap.firstMissed())
            {
                wrong.add("gap " + gap.firstMissed() + ".." + gap.lastMissed() + " expected from " + next);
            }
            gaps.add(gap.firstMissed() + ".." + gap.lastMissed());
            gapResume = gap.lastMissed() + 1;
            gapResumeState = gap.resumeState();
            next = gap.lastMissed() + 1;
        }

        void checkEnded(final long last)
        {
            assertThat(wrong).isEmpty();
            assertThat(next).isEqualTo(last + 1);
        }
    }
}
