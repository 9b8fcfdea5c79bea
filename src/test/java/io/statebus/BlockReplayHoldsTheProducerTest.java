package io.statebus;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Guarantee 4 for a replay: a {@code BLOCK} subscription that replays from a sequence still in the ring holds the
 * producer back from the replayed slots too, so it never misses one of them.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class BlockReplayHoldsTheProducerTest
{
    private static final int CAPACITY = 8;

    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void theProducerBlocksAtTheFirstReplayedSlotAndTheReplayMissesNothing(final ProducerMode mode) throws Exception
    {
        try (StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(5)).capacity(CAPACITY)
            .producerMode(mode).noClock().build())
        {
            int state = 0;
            for (int i = 1; i <= 20; i++)
            {
                state = (state + 1) % 5;
                bus.set(state);
            }
            final Subscription<Integer> replay = bus.subscribe(Policy.BLOCK, 14);
            assertThat(replay.joinSequence()).isEqualTo(13);

            // the ring holds 14..21 once 21 is published; 22 would overwrite 14, which the replay has not read
            state = (state + 1) % 5;
            assertThat(bus.trySet(state, 1, TimeUnit.SECONDS)).as("#21 fits").isTrue();
            state = (state + 1) % 5;
            assertThat(bus.trySet(state, 20, TimeUnit.MILLISECONDS)).as("#22 would overwrite #14").isFalse();
            assertThat(bus.latestSequence()).isEqualTo(21);

            final List<Long> sequences = new ArrayList<>();
            final TransitionHandler<Integer> record = new TransitionHandler<>()
            {
                @Override
                public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
                {
                    sequences.add(t.sequence());
                }

                @Override
                public void onGap(final Gap<Integer> gap)
                {
                    sequences.add(-gap.firstMissed());
                }
            };
            assertThat(replay.poll(record, 100)).isEqualTo(8);
            assertThat(sequences).containsExactly(14L, 15L, 16L, 17L, 18L, 19L, 20L, 21L);
            assertThat(replay.missed()).isZero();
            assertThat(bus.trySet(state, 1, TimeUnit.SECONDS)).as("#22 once the replay has read #14").isTrue();
        }
    }

    /**
     * A single-producer bus whose owner is alive but idle (it waits on a latch), then one whose owner has ended:
     * the join waits for the owner to see its gate, so it must not hang on an owner that never publishes again,
     * and the owner, once it publishes again, is held at the first replayed slot.
     */
    @ParameterizedTest(name = "owner ends first: {0}")
    @ValueSource(booleans = {false, true})
    void aReplayJoinsAtOnceWhenTheOwnerIsIdleOrHasEnded(final boolean ownerEnds) throws Exception
    {
        try (StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(5)).capacity(CAPACITY)
            .producerMode(ProducerMode.SINGLE).noClock().build())
        {
            final CountDownLatch published = new CountDownLatch(1);
            final CountDownLatch publishAgain = new CountDownLatch(1);
            final boolean[] heldAt22 = new boolean[2];
            final Thread owner = new Thread(() ->
            {
                for (int i = 1; i <= 20; i++)
                {
                    bus.set(i % 5);
                }
                published.countDown();
                if (!ownerEnds)
                {
                    publishTwoMore(bus, publishAgain, heldAt22);
                }
            }, "owner");
            owner.start();
            assertThat(published.await(10, TimeUnit.SECONDS)).isTrue();
            if (ownerEnds)
            {
                TestAwait.ended(owner);
            }
            final Subscription<Integer> replay = bus.subscribe(Policy.BLOCK, 14);
            // an idle owner never answers: a join that waited for it would return only once it gave up and ended
            assertThat(owner.isAlive()).as("the idle owner, still waiting when the join returned").isNotEqualTo(ownerEnds);
            assertThat(replay.joinSequence()).isEqualTo(13);
            publishAgain.countDown();
            TestAwait.ended(owner);
            if (!ownerEnds)
            {
                assertThat(heldAt22).as("#21 fits, #22 would overwrite #14").containsExactly(true, true);
            }
            final List<Long> sequences = new ArrayList<>();
            TestAwait.drain(replay, (t, endOfBatch) -> sequences.add(t.sequence()));
            assertThat(sequences).first().isEqualTo(14L);
            assertThat(sequences).hasSize(ownerEnds ? 7 : 8);
            assertThat(replay.missed()).isZero();
        }
    }

    /** Once told: #21, which fits, then #22, which would overwrite #14 (each result kept in {@code fits}). */
    private static void publishTwoMore(final StateBus<Integer> bus, final CountDownLatch told, final boolean[] fits)
    {
        try
        {
            if (told.await(10, TimeUnit.SECONDS))
            {
                fits[0] = bus.trySet(21 % 5, 1, TimeUnit.SECONDS);
                fits[1] = !bus.trySet(22 % 5, 20, TimeUnit.MILLISECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Joins at the newest slots of a ring of 4 race the producer at full speed, on a bus of states and on a bus of
     * references, in each producer mode; each replay must receive every sequence after its join point, with no gap.
     * Before a replay waited for a single producer's owner to see its gate, the owner's fast path (claims counted
     * from gates read a ring ago, no fence after its cursor store) had publishes the join's check of the cursor
     * did not see, and they overwrote replayed slots: reported as gaps, hundreds in a million joins.
     */
    @ParameterizedTest(name = "{0}, references: {1}")
    @MethodSource("modesAndKinds")
    void aReplayJoinedWhileTheProducerRunsMissesNothing(final ProducerMode mode, final boolean references)
        throws Exception
    {
        final BusStatus bus = references ?
            StateBus.valueBuilder(0).capacity(4).producerMode(mode).build() :
            StateBus.builder(0, TestStates.integers(5)).capacity(4).producerMode(mode).noClock().build();
        try (bus)
        {
            @SuppressWarnings("unchecked")
            final Subscribes<Integer> subscribes = (Subscribes<Integer>)bus;
            final IntConsumer set = references ? ((ValueStateBus<Integer>)bus)::set : ((StateBus<Integer>)bus)::set;
            final AtomicBoolean stop = new AtomicBoolean();
            final Thread producer = new Thread(() ->
            {
                for (int i = 1; !stop.get() && i < Integer.MAX_VALUE; i++)
                {
                    set.accept(i % 5);
                }
            }, "full-speed-producer");
            producer.start();
            final ReplayCheck check = joinForTwoSeconds(bus, subscribes, producer);
            stop.set(true);
            TestAwait.ended(producer);
            assertThat(check.joins).isPositive();
            assertThat(check.verdict).isEqualTo("clean");
            assertThat(check.missed).as("transitions missed by BLOCK replays in %d joins", check.joins).isZero();
        }
    }

    /** Replays from the newest slots, one join after another, while the producer runs; checks each. */
    private static ReplayCheck joinForTwoSeconds(
        final BusStatus bus, final Subscribes<Integer> subscribes, final Thread producer)
    {
        final ReplayCheck check = new ReplayCheck();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() - deadline < 0 && producer.isAlive())
        {
            final Subscription<Integer> replay;
            try
            {
                replay = subscribes.subscribe(Policy.BLOCK, Math.max(1, bus.latestSequence() - 1));
            }
            catch (final ReplayUnavailableException ex)
            {
                continue; // lapped before it joined: refused, a clear answer
            }
            check.expected = replay.joinSequence() + 1;
            for (int i = 0; i < 3; i++)
            {
                replay.poll(check, 8);
            }
            check.joins++;
            check.missed += replay.missed();
            replay.close();
        }
        return check;
    }

    static Stream<Arguments> modesAndKinds()
    {
        return Stream.of(ProducerMode.values())
            .flatMap(mode -> Stream.of(arguments(mode, false), arguments(mode, true)));
    }

    /** Each replay's sequences, one after another from its join point; the first wrong one is kept. */
    private static final class ReplayCheck implements TransitionHandler<Integer>
    {
        long expected;
        long joins;
        long missed;
        String verdict = "clean";

        @Override
        public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
        {
            if (t.sequence() != expected++ && "clean".equals(verdict))
            {
                verdict = "join " + joins + ": #" + t.sequence() + " where #" + (expected - 1) + " was due";
            }
        }

        @Override
        public void onGap(final Gap<Integer> gap)
        {
            if ("clean".equals(verdict))
            {
                verdict = "join " + joins + ": gap " + gap.firstMissed() + ".." + gap.lastMissed();
            }
            expected = gap.lastMissed() + 1;
        }
    }
}
