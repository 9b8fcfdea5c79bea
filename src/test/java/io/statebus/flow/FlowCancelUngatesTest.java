package io.statebus.flow;

import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "cancel() closes the subscription (stops gating at once)": a BLOCK subscriber that holds the producer back
 * releases it the moment it cancels, and receives nothing more, whatever it requests afterwards (rule 3.6).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlowCancelUngatesTest
{
    @Test
    void cancelReleasesAProducerHeldBackByUnmetDemand() throws Exception
    {
        final int capacity = 4;
        final StateBus<Phase> bus = Phase.bus(capacity);
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
        new TransitionPublisher<>(bus, Policy.BLOCK, Runnable::run).subscribe(subscriber);
        subscriber.request(1);
        Phase.publish(bus, 1 + capacity);
        assertThat(bus.trySet(Phase.at(capacity + 2), 20, TimeUnit.MILLISECONDS)).isFalse(); // held back

        subscriber.subscription.cancel();
        assertThat(bus.subscriptionCount()).isZero();
        Phase.publish(bus, 10 * capacity); // no gate left: never waits again
        subscriber.subscription.request(100); // a no-op after cancel
        subscriber.subscription.cancel();     // and so is a second cancel
        bus.close();

        assertThat(subscriber.received()).isEqualTo(1);
        assertThat(subscriber.completes() + subscriber.errors()).isZero();
        assertThat(subscriber.violations()).isEmpty();
    }

    @Test
    void cancelFromOnNextStopsTheStreamAfterThatItem() throws Exception
    {
        final StateBus<Phase> bus = Phase.bus(8);
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>()
        {
            @Override
            void next(final Transition<Phase> item)
            {
                if (item.sequence() == 3)
                {
                    subscription.cancel();
                }
            }
        };
        Phase.publish(bus, 6);
        new TransitionPublisher<>(bus, Policy.BLOCK, Runnable::run).replayFrom(1).subscribe(subscriber);
        subscriber.request(10);
        Phase.publish(bus, 20); // the cancelled subscription no longer holds the producer back
        bus.close();
        subscriber.awaitItems(3); // delivered inline, or on the delay thread's registration check
        assertThat(subscriber.violations()).isEmpty();
        Phase.assertCompleteAndChained(subscriber.items(), 1, 3);
        assertThat(subscriber.completes() + subscriber.errors()).isZero();
    }

    @Test
    void cancelFromTheOnNextOfATerminalTransitionIsNotFollowedByOnComplete() throws Exception
    {
        final StateBus<Phase> bus = Phase.bus(8);
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>()
        {
            @Override
            void next(final Transition<Phase> item)
            {
                subscription.cancel(); // at P1, the terminal state: the stream is over for this subscriber
            }
        };
        new TransitionPublisher<>(bus, Policy.BLOCK, Runnable::run).completeWhen(s -> s == Phase.P1)
            .subscribe(subscriber);
        subscriber.request(10);
        Phase.publish(bus, 1);
        bus.close();
        subscriber.awaitItems(1); // inline, or on the delay thread's registration check
        assertThat(subscriber.received()).isEqualTo(1);
        assertThat(subscriber.completes() + subscriber.errors()).as("no signal after cancel").isZero();
        assertThat(subscriber.violations()).isEmpty();
    }

    @Test
    void cancelRacingADeliveryInFlightReleasesAProducerThatKeepsPublishing() throws Exception
    {
        final int capacity = 8;
        final int total = 50_000;
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        final StateBus<Phase> bus = Phase.bus(capacity);
        try
        {
            final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
            new TransitionPublisher<>(bus, Policy.BLOCK, pool).subscribe(subscriber);
            subscriber.request(total / 2); // the producer outruns this demand and is then held back by it
            final Thread producer = new Thread(() -> Phase.publish(bus, total), "producer");
            producer.start();
            subscriber.awaitItems(total / 10);
            subscriber.subscription.cancel(); // while deliveries are in flight on the pool

            producer.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(producer.isAlive()).as("the producer was released").isFalse();
            assertThat(bus.latestSequence()).isEqualTo(total);
            assertThat(bus.subscriptionCount()).isZero();
            bus.close();
            assertThat(subscriber.violations()).isEmpty();
            assertThat(subscriber.completes() + subscriber.errors()).isZero();
            Phase.assertCompleteAndChained(subscriber.items(), 1, subscriber.received()); // a prefix, in order
        }
        finally
        {
            bus.close();
            pool.shutdownNow();
        }
    }
}
