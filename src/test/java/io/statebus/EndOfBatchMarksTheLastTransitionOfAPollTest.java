package io.statebus;

import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TransitionHandler#onTransition}'s {@code endOfBatch}: true for the last transition a poll delivers, and
 * for no other, whether the batch ends at what is published, at the poll's limit, or runs from a replay into live
 * transitions.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class EndOfBatchMarksTheLastTransitionOfAPollTest
{
    private static final int CAPACITY = 16;

    @ParameterizedTest
    @EnumSource(Policy.class)
    void onlyTheLastTransitionOfEachPollEndsItsBatch(final Policy policy)
    {
        try (StateBus<Integer> bus = bus())
        {
            final Subscription<Integer> subscription = bus.subscribe(policy);
            publish(bus, 5);
            final Batches batches = new Batches();
            assertThat(subscription.poll(batches, 3)).isEqualTo(3);
            assertThat(subscription.poll(batches, 100)).isEqualTo(2);
            assertThat(batches.marks).containsExactly("1", "2", "3!", "4", "5!");
        }
    }

    /**
     * A {@code BLOCK} replay is read validated up to its join point and gated after it, in one poll: one batch, so
     * the join point does not end it.
     */
    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void aReplayRunningIntoLiveTransitionsIsOneBatch(final ProducerMode mode)
    {
        try (StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(5)).capacity(CAPACITY)
            .producerMode(mode).noClock().build())
        {
            publish(bus, 10);
            final Subscription<Integer> replay = bus.subscribe(Policy.BLOCK, 7);
            publish(bus, 3);
            final Batches batches = new Batches();
            assertThat(replay.poll(batches, 100)).isEqualTo(7);
            assertThat(batches.marks).containsExactly("7", "8", "9", "10", "11", "12", "13!");

            publish(bus, 2);
            final Subscription<Integer> second = bus.subscribe(Policy.BLOCK, 12);
            final Batches limited = new Batches();
            assertThat(second.poll(limited, 3)).isEqualTo(3);
            assertThat(second.poll(limited, 100)).isEqualTo(1);
            assertThat(limited.marks).containsExactly("12", "13", "14!", "15!");
        }
    }

    /**
     * A batch longer than the reader's inner run (it looks at its lifecycle every 64 transitions) is still one
     * batch: a stamped ring's slots are copied beside their word, an unstamped one's are the word alone; both ways
     * mark only the last transition of the poll.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aBatchLongerThanOneInnerRunEndsOnlyAtItsLast(final boolean stamped)
    {
        final StateBusBuilder<Integer> builder = StateBus.builder(0, TestStates.integers(5)).capacity(256);
        try (StateBus<Integer> bus = (stamped ? builder.clock(SystemNanoClock.INSTANCE) : builder.noClock()).build())
        {
            final Subscription<Integer> block = bus.subscribe(Policy.BLOCK);
            final Subscription<Integer> gap = bus.subscribe(Policy.GAP);
            publish(bus, 200);
            for (final Subscription<Integer> subscription : List.of(block, gap))
            {
                final Batches batches = new Batches();
                assertThat(subscription.poll(batches, 1000)).isEqualTo(200);
                assertThat(batches.marks.stream().filter(m -> m.endsWith("!")))
                    .as(subscription.policy() + " batch ends").containsExactly("200!");
            }
        }
    }

    private static StateBus<Integer> bus()
    {
        return StateBus.builder(0, TestStates.integers(5)).capacity(CAPACITY).noClock().build();
    }

    private static void publish(final StateBus<Integer> bus, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            bus.set((bus.get() + 1) % 5);
        }
    }

    /** Notes each sequence delivered, marked with {@code !} where it ended its batch. */
    private static final class Batches implements TransitionHandler<Integer>
    {
        final List<String> marks = new ArrayList<>();

        @Override
        public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
        {
            marks.add(t.sequence() + (endOfBatch ? "!" : ""));
        }
    }
}
