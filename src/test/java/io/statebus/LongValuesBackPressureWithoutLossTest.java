package io.statebus;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.statebus.LongChainCheck.valueAt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 4 for a {@link LongStateBus}: a producer never overwrites a slot a {@link Policy#BLOCK} subscription
 * has not consumed; it waits, and {@code trySet} gives up at its deadline without changing the value or publishing
 * anything. Values are {@link LongChainCheck#valueAt}(sequence), so an overwritten slot fails the chain check.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LongValuesBackPressureWithoutLossTest
{
    private static final int CAPACITY = 8;

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProducerMode.class)
    void aTimedSetAgainstAFullRingGivesUpWithoutChangingOrPublishingAnything(final ProducerMode mode)
        throws InterruptedException
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(CAPACITY).producerMode(mode).build())
        {
            final LongSubscription stalled = bus.subscribe(Policy.BLOCK);
            LongChainCheck.publish(bus, CAPACITY);
            assertThat(bus.producerWaits()).isZero();

            assertThat(bus.trySet(valueAt(CAPACITY + 1), Duration.ofMillis(20))).as("a 9th on a full ring of 8")
                .isFalse();
            assertThat(bus.trySet(valueAt(CAPACITY + 1), Duration.ZERO)).isFalse();
            assertThat(bus.get()).isEqualTo(valueAt(CAPACITY));
            assertThat(bus.latestSequence()).isEqualTo(CAPACITY);
            assertThat(bus.producerWaits()).isEqualTo(2);
            assertThat(bus.producerWaitNanos()).as("the time it waited, on a long bus too").isPositive();
            assertThat(bus.trySet(valueAt(CAPACITY), Duration.ZERO)).as("the current value: nothing to publish")
                .isTrue();
            assertThat(bus.compareAndSet(valueAt(CAPACITY + 1), 5)).as("a failed compare answers at once").isFalse();

            final LongChainCheck consumed = new LongChainCheck(stalled, CAPACITY);
            assertThat(stalled.poll(consumed, 100)).isEqualTo(CAPACITY);
            assertThat(consumed.verdict()).isEqualTo("clean");
            assertThat(bus.trySet(valueAt(CAPACITY + 1), Duration.ZERO)).as("room once it polled").isTrue();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProducerMode.class)
    void aSlowBlockSubscriptionHoldsAFastProducerBackAndMissesNothing(final ProducerMode mode) throws Exception
    {
        final long transitions = 200_000;
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(CAPACITY).producerMode(mode).build())
        {
            final LongSubscription slow = bus.subscribe(Policy.BLOCK);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    LongChainCheck.publish(bus, transitions);
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            }, "producer");
            producer.start();
            final LongChainCheck check = new LongChainCheck(slow, transitions);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (slow.position() < transitions && System.nanoTime() - deadline < 0)
            {
                slow.poll(check, 3); // a few at a time: the producer is a ring ahead most of the time
                assertThat(bus.latestSequence() - slow.position()).isLessThanOrEqualTo(CAPACITY);
            }
            TestAwait.ended(producer);
            assertThat(failure.get()).isNull();
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(transitions);
            assertThat(slow.missed()).isZero();
            assertThat(bus.producerWaits()).isPositive();
        }
    }
}
