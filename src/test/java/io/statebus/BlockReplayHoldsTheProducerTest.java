package io.statebus;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

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

    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void aReplayJoinedWhileTheProducerRunsNeverSkipsSilently(final ProducerMode mode) throws Exception
    {
        try (StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(5)).capacity(CAPACITY)
            .producerMode(mode).noClock().build())
        {
            final Thread producer = new Thread(() ->
            {
                int state = 0;
                for (int i = 0; i < 200_000 && !bus.isClosed(); i++)
                {
                    state = (state + 1) % 5;
                    try
                    {
                        bus.set(state);
                    }
                    catch (final StateBusClosedException ex)
                    {
                        return;
                    }
                }
            }, "producer");
            producer.start();
            int joined = 0;
            while (producer.isAlive() && joined < 2_000)
            {
                final long latest = bus.latestSequence();
                final Subscription<Integer> replay;
                try
                {
                    replay = bus.subscribe(Policy.BLOCK, Math.max(1, latest - 2));
                }
                catch (final ReplayUnavailableException ex)
                {
                    continue; // lapped before it joined: refused, which is a clear answer
                }
                joined++;
                final long[] expected = {replay.joinSequence() + 1};
                final boolean[] gapped = {false};
                replay.poll(new TransitionHandler<>()
                {
                    @Override
                    public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
                    {
                        assertThat(t.sequence()).isEqualTo(expected[0]++);
                    }

                    @Override
                    public void onGap(final Gap<Integer> gap)
                    {
                        assertThat(gap.firstMissed()).isEqualTo(expected[0]);
                        expected[0] = gap.lastMissed() + 1;
                        gapped[0] = true;
                    }
                }, CAPACITY);
                assertThat(replay.delivered() + replay.missed()).isEqualTo(replay.position() - replay.joinSequence());
                replay.close();
            }
            bus.close();
            producer.join();
            assertThat(joined).isPositive();
        }
    }
}
