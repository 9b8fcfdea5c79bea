package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 2: for consecutive transitions a subscription receives, {@code next.from == prev.to}, and the first one's
 * {@code from} is the join snapshot's state; the ring's order is the order in which the state changed, also with
 * many producers, and also for a replay join.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChainedTest
{
    private static final List<Integer> EIGHT = TestStates.integers(8);

    @ParameterizedTest
    @EnumSource(Policy.class)
    void theFirstTransitionStartsFromTheJoinStateAndEachNextFromThePreviousTo(final Policy policy)
    {
        final Random random = new Random(42);
        final Connection[] all = Connection.values();
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(64).build())
        {
            for (int i = 0; i < 37; i++)
            {
                bus.set(all[random.nextInt(all.length)]);
            }
            final Connection before = bus.get();
            final long sequenceBefore = bus.latestSequence();
            final Subscription<Connection> sub = bus.subscribe(policy);
            assertThat(sub.joinState()).isEqualTo(before);
            assertThat(sub.joinSequence()).isEqualTo(sequenceBefore);

            final Recorder<Connection> recorder = new Recorder<>();
            final ChainCheckFixture<Connection> check = new ChainCheckFixture<>(sub, Long.MAX_VALUE, null);
            final TransitionHandler<Connection> both = (t, end) ->
            {
                recorder.onTransition(t, end);
                check.onTransition(t, end);
            };
            for (int round = 0; round < 2_000; round++)
            {
                // random states, some equal to the current one (those publish nothing)
                for (int i = random.nextInt(40); i > 0; i--)
                {
                    bus.set(all[random.nextInt(all.length)]);
                }
                sub.poll(both, 64);
            }
            TestAwait.drain(sub, both);
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(recorder.transitions.get(0).from()).isEqualTo(before);
            assertThat(recorder.transitions.get(0).sequence()).isEqualTo(sequenceBefore + 1);
            assertThat(recorder.transitions).allSatisfy(t -> assertThat(t.from()).isNotEqualTo(t.to()));
            assertThat(recorder.transitions.get(recorder.transitions.size() - 1).to()).isEqualTo(bus.get());
            assertThat(check.delivered).isEqualTo(bus.latestSequence() - sequenceBefore);
        }
    }

    /**
     * Two producers on a MULTI bus, each setting states from its own half (so every set publishes), while a handler
     * thread checks the chain of everything and each producer now and then joins mid-stream and checks that its
     * first transition starts from its join state although the other producer keeps publishing.
     */
    @Test
    void withTwoProducersTheRingOrderIsTheOrderOfChangeAndEveryJoinSnapshotIsAtomic() throws Exception
    {
        final int perProducer = 200_000;
        // initial state 8 belongs to neither producer's half, so even the very first set publishes
        try (StateBus<Integer> bus = StateBus.builder(8, TestStates.integers(9)).capacity(1024)
            .producerMode(ProducerMode.MULTI).build())
        {
            final ChainCheckFixture<Integer> all = new ChainCheckFixture<>(0, 8, 2L * perProducer, null);
            final Subscription<Integer> allSub = bus.subscribe(Policy.BLOCK, all);
            final AtomicReference<String> joinViolation = new AtomicReference<>();
            final AtomicLong joinsChecked = new AtomicLong();
            final Thread[] producers = new Thread[2];
            for (int p = 0; p < 2; p++)
            {
                final int base = 4 * p;
                producers[p] = new Thread(() ->
                {
                    for (int i = 0; i < perProducer; i++)
                    {
                        if (bus.set(base + i % 4) == StateBus.NOT_PUBLISHED)
                        {
                            joinViolation.compareAndSet(null, "a set to a new state published nothing");
                        }
                        if (i % 997 == 0)
                        {
                            final String violation = joinAndCheckFirstTransition(bus, base + (i + 1) % 4);
                            if (violation != null)
                            {
                                joinViolation.compareAndSet(null, violation);
                            }
                            joinsChecked.incrementAndGet();
                            i++;
                        }
                    }
                }, "producer-" + p);
            }
            for (final Thread producer : producers)
            {
                producer.start();
            }
            for (final Thread producer : producers)
            {
                TestAwait.ended(producer);
            }
            assertThat(joinViolation.get()).isNull();
            assertThat(all.awaitReached(40)).as("the handler thread saw every transition: %s", allSub).isTrue();
            assertThat(joinsChecked.get()).isGreaterThan(300);
            assertThat(all.verdict()).isEqualTo("clean");
            assertThat(all.delivered).isEqualTo(2L * perProducer);
            assertThat(bus.latestSequence()).isEqualTo(2L * perProducer);
            assertThat(all.previousTo).isEqualTo(bus.get());
        }
    }

    /** Joins, publishes once from this producer, and checks what arrives first; null if all is well. */
    private static String joinAndCheckFirstTransition(final StateBus<Integer> bus, final int next)
    {
        try (Subscription<Integer> sub = bus.subscribe(Policy.GAP))
        {
            final ChainCheckFixture<Integer> check = new ChainCheckFixture<>(sub, Long.MAX_VALUE, null);
            final long mine = bus.set(next);
            if (mine == StateBus.NOT_PUBLISHED)
            {
                return "a set to a new state published nothing";
            }
            // our own transition is after the join point, so at least one callback is due
            for (int polls = 0; polls < 1_000 && check.expectedSequence <= mine; polls++)
            {
                sub.poll(check, 16);
            }
            if (check.delivered + check.gapNotices == 0)
            {
                return "nothing delivered after joining at #" + sub.joinSequence();
            }
            return check.violations == 0 ? null : "joined at #" + sub.joinSequence() + " " + sub.joinState() + ": " +
                check.verdict();
        }
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void aReplayStartsAtTheRequestedSequenceFromTheStateBeforeItAndStaysChained(final Policy policy)
    {
        try (StateBus<Integer> bus = StateBus.builder(0, EIGHT).capacity(16).build())
        {
            final int[] script = {3, 1, 4, 1, 5, 2, 6, 5, 3, 5}; // sequence i + 1 moves to script[i]
            for (final int state : script)
            {
                bus.set(state);
            }
            final Subscription<Integer> replay = bus.subscribe(policy, 4);
            assertThat(replay.joinSequence()).isEqualTo(3);
            assertThat(replay.joinState()).isEqualTo(4); // the to of sequence 3
            final Recorder<Integer> recorder = new Recorder<>();
            final ChainCheckFixture<Integer> check = new ChainCheckFixture<>(replay, Long.MAX_VALUE, null);
            replay.poll((t, end) ->
            {
                recorder.onTransition(t, end);
                check.onTransition(t, end);
            }, 100);
            assertThat(recorder.transitions).map(Transition::toString).containsExactly(
                "#4 4 -> 1", "#5 1 -> 5", "#6 5 -> 2", "#7 2 -> 6", "#8 6 -> 5", "#9 5 -> 3", "#10 3 -> 5");
            // the replay continues seamlessly into live transitions
            for (int i = 0; i < 1_000; i++)
            {
                bus.set((bus.get() + 1 + i % 3) % 8);
                replay.poll(check, 100);
            }
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(1_007);
            assertThat(replay.missed()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void aReplayAfterTheRingWrappedStartsFromTheStateBeforeTheOldestAvailableSequence(final Policy policy)
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(16).build())
        {
            for (int i = 0; i < 40; i++)
            {
                bus.set(TestStates.CYCLE[i % TestStates.CYCLE.length]);
            }
            final Subscription<Connection> replay = bus.subscribe(policy, 26);
            assertThat(replay.joinSequence()).isEqualTo(25);
            assertThat(replay.joinState()).isEqualTo(TestStates.cycleAt(25));
            final ChainCheckFixture<Connection> check = new ChainCheckFixture<>(replay, 40, TestStates::cycleAt);
            assertThat(replay.poll(check, 100)).isEqualTo(15);
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.expectedSequence).isEqualTo(41);
        }
    }
}
