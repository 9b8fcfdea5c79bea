package io.statebus.flow;

import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Isolation": a subscriber whose onNext throws broke rule 2.13: it is cancelled (a BLOCK one stops holding the
 * producer back), never called again, and its exception goes to the error handler; the producer and the other
 * subscribers never see it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlowSubscriberFailureIsIsolatedTest
{
    @Test
    void aThrowingOnNextCancelsOnlyThatSubscriberAndIsReported() throws Exception
    {
        final int capacity = 4;
        final StateBus<Phase> bus = Phase.bus(capacity);
        final List<Throwable> reported = new CopyOnWriteArrayList<>();
        final CountDownLatch told = new CountDownLatch(1);
        final TransitionPublisher<Phase> publisher = new TransitionPublisher<>(bus, Policy.BLOCK, Runnable::run)
            .errorHandler(ex ->
            {
                reported.add(ex);
                told.countDown();
            });
        final IllegalStateException boom = new IllegalStateException("boom");
        final RecordingSubscriber<Phase> failing = new RecordingSubscriber<>()
        {
            @Override
            void next(final Transition<Phase> item)
            {
                if (item.sequence() == 2)
                {
                    throw boom;
                }
            }
        };
        final RecordingSubscriber<Phase> healthy = new RecordingSubscriber<>();
        publisher.subscribe(failing);
        publisher.subscribe(healthy);
        failing.request(Long.MAX_VALUE);
        healthy.request(Long.MAX_VALUE);

        Phase.publish(bus, 10 * capacity); // never throws, never waits for the failed subscriber
        bus.close();
        // awaited, not assumed inline: on this many-producer bus the registration check may run a delivery on the
        // JDK's delay thread, which may still be delivering (or reporting) when close() returns
        healthy.awaitEnd();
        assertThat(told.await(10, TimeUnit.SECONDS)).as("the failure was reported").isTrue();

        assertThat(reported).containsExactly(boom);
        assertThat(failing.received()).isEqualTo(2);
        assertThat(failing.completes() + failing.errors()).isZero(); // not called again
        assertThat(healthy.completes()).isEqualTo(1);
        Phase.assertCompleteAndChained(healthy.items(), 1, 10L * capacity);
        assertThat(failing.violations()).isEmpty();
        assertThat(healthy.violations()).isEmpty();
    }

    @Test
    void aRejectingExecutorEndsTheStreamWithOnErrorAndNeverReachesTheProducer()
    {
        final int capacity = 4;
        final StateBus<Phase> bus = Phase.bus(capacity);
        final RejectedExecutionException rejected = new RejectedExecutionException("full");
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
        new TransitionPublisher<>(bus, Policy.BLOCK, task ->
        {
            throw rejected;
        }).subscribe(subscriber);
        subscriber.request(1); // nothing ran yet: the first task is refused at subscribe

        assertThat(subscriber.error()).isSameAs(rejected);
        assertThat(bus.subscriptionCount()).isZero();
        Phase.publish(bus, 4 * capacity); // never throws, never waits
        bus.close();
        assertThat(subscriber.errors()).isEqualTo(1);
        assertThat(subscriber.received()).isZero();
        assertThat(subscriber.violations()).isEmpty();
    }
}
