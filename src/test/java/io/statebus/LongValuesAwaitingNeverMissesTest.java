package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static io.statebus.LongChainCheck.valueAt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 7 for a {@link LongStateBus}: an await on a {@code LongPredicate} returns the first matching
 * transition after it registered, even a value that lasted one transition under a producer at full speed; says
 * {@code ALREADY} at once if the value matches; times out, or waits for the next change, as asked.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LongValuesAwaitingNeverMissesTest
{
    @Test
    void aValueThatLastedOneTransitionIsFoundEveryTime() throws Exception
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(8).build())
        {
            for (int round = 0; round < 200; round++)
            {
                final long target = valueAt(bus.latestSequence() + 500);
                final PendingAwait<Long> pending = bus.prepareAwait(v -> v == target);
                final Thread producer = new Thread(() -> LongChainCheck.publish(bus, 1000), "producer");
                producer.start();
                final Awaited<Long> awaited = pending.await(Duration.ofSeconds(20));
                TestAwait.ended(producer);
                assertThat(awaited.outcome()).isEqualTo(Awaited.Outcome.MATCHED);
                assertThat(awaited.transition().to()).isEqualTo(target);
                assertThat(awaited.transition().from()).isEqualTo(valueAt(awaited.transition().sequence() - 1));
            }
        }
    }

    @Test
    void anAwaitOnTheCurrentValueAnswersAtOnceAndAnotherTimesOut() throws Exception
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(8).build())
        {
            bus.set(42);
            final Awaited<Long> already = bus.awaitValue(42, Duration.ZERO);
            assertThat(already.outcome()).isEqualTo(Awaited.Outcome.ALREADY);
            assertThat(already.transition().to()).isEqualTo(42L);
            assertThat(bus.await(v -> v > 100, Duration.ofMillis(20)).outcome())
                .isEqualTo(Awaited.Outcome.TIMED_OUT);
            assertThat(bus.subscriptionCount()).as("every await's subscription closed").isZero();
        }
    }

    @Test
    void awaitChangeAndTheAsyncAwaitAnswerWithTheNextMatchingTransition() throws Exception
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(8).build())
        {
            final PendingAwait<Long> change = bus.prepareAwaitChange();
            final var positive = bus.awaitAsync(v -> v > 0, Duration.ofSeconds(20));
            bus.set(-3);
            bus.set(9);
            final Awaited<Long> changed = change.await(Duration.ofSeconds(20));
            assertThat(changed.outcome()).isEqualTo(Awaited.Outcome.MATCHED);
            assertThat(changed.transition().sequence()).isEqualTo(1);
            assertThat(changed.transition().to()).isEqualTo(-3L);
            final Transition<Long> first = positive.get(20, TimeUnit.SECONDS);
            assertThat(first.sequence()).isEqualTo(2);
            assertThat(first.from()).isEqualTo(-3L);
            assertThat(first.to()).isEqualTo(9L);
        }
    }
}
