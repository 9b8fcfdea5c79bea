package io.statebus.flow;

import io.statebus.Policy;
import io.statebus.StateBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

/**
 * Bad input: {@code request(n)} with {@code n <= 0} signals {@code onError(IllegalArgumentException)} and cancels
 * (rule 3.9); the bus is not changed, the producer is no longer held back, and nothing hangs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlowBadDemandTest
{
    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void nonPositiveDemandSignalsOnErrorAndCancels(final long n) throws Exception
    {
        final int capacity = 4;
        final StateBus<Phase> bus = Phase.bus(capacity);
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
        new TransitionPublisher<>(bus, Policy.BLOCK).subscribe(subscriber);
        subscriber.request(1);
        Phase.publish(bus, 1);
        subscriber.awaitItems(1);

        subscriber.subscription.request(n);
        subscriber.awaitEnd();

        assertThat(subscriber.error()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3.9");
        assertThat(bus.latestSequence()).isEqualTo(1); // nothing changed
        assertThat(bus.get()).isEqualTo(Phase.at(1));
        assertThat(bus.subscriptionCount()).isZero();
        Phase.publish(bus, 4 * capacity); // cancelled: it holds nobody back
        subscriber.subscription.request(5); // a no-op now
        bus.close();
        assertThat(subscriber.received()).isEqualTo(1);
        assertThat(subscriber.completes()).isZero();
        assertThat(subscriber.errors()).isEqualTo(1);
        assertThat(subscriber.violations()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -7})
    void nonPositiveDemandInsideOnSubscribeSignalsOnErrorAfterItReturns(final long n) throws Exception
    {
        final StateBus<Phase> bus = Phase.bus(4);
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>()
        {
            @Override
            void subscribed(final Flow.Subscription s)
            {
                s.request(n);
            }
        };
        new TransitionPublisher<>(bus, Policy.BLOCK).subscribe(subscriber);
        subscriber.awaitEnd();
        assertThat(subscriber.error()).isInstanceOf(IllegalArgumentException.class);
        assertThat(bus.subscriptionCount()).isZero();
        Phase.publish(bus, 20);
        bus.close();
        assertThat(subscriber.violations()).isEmpty(); // no overlap with onSubscribe, nothing after onError
        assertThat(subscriber.received()).isZero();
    }

    @Test
    void constructionRejectsBadArguments()
    {
        final StateBus<Phase> bus = Phase.bus(4);
        final TransitionPublisher<Phase> publisher = new TransitionPublisher<>(bus, Policy.GAP);
        assertThatNullPointerException().isThrownBy(() -> publisher.subscribe(null));
        assertThatNullPointerException()
            .isThrownBy(() -> new TransitionPublisher<>(bus, null));
        assertThatNullPointerException()
            .isThrownBy(() -> new TransitionPublisher<>(bus, Policy.BLOCK, null));
        assertThatIllegalArgumentException().isThrownBy(() -> publisher.replayFrom(0));
        assertThat(bus.subscriptionCount()).isZero();
        bus.close();
    }
}
