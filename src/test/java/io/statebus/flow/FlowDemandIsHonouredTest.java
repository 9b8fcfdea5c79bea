package io.statebus.flow;

import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Flow.Publisher: demand is honoured": a subscriber never receives more {@code onNext} than it requested, even
 * while a producer publishes faster than it asks; what it does receive is every transition after its join, in
 * order and chained, one signal at a time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlowDemandIsHonouredTest
{
    private static final int TRANSITIONS = 20_000;

    @Test
    void neverMoreOnNextThanRequestedUnderAFastProducer() throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        final StateBus<Phase> bus = Phase.bus(64);
        try
        {
            final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
            new TransitionPublisher<>(bus, Policy.BLOCK, pool).subscribe(subscriber);
            final Thread producer = new Thread(() -> Phase.publish(bus, TRANSITIONS), "producer");
            producer.start();

            // demand in small random steps, each used up before the next, while the producer runs ahead
            final SplittableRandom random = new SplittableRandom(42);
            long requested = 0;
            while (requested < TRANSITIONS)
            {
                final long step = Math.min(TRANSITIONS - requested, 1 + random.nextInt(40));
                requested += step;
                subscriber.request(step);
                subscriber.awaitItems(requested);
                assertThat(subscriber.received()).isEqualTo(requested);
            }
            producer.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(producer.isAlive()).isFalse();
            bus.close();
            subscriber.awaitEnd();

            assertThat(subscriber.violations()).isEmpty();
            assertThat(subscriber.completes()).isEqualTo(1);
            Phase.assertCompleteAndChained(subscriber.items(), 1, TRANSITIONS);
        }
        finally
        {
            bus.close();
            pool.shutdownNow();
        }
    }

    @Test
    void demandFromTwoThreadsAtOnceIsSummedAndNeverExceeded() throws Exception
    {
        final int capacity = 16;
        final int each = 2_000;
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        final StateBus<Phase> bus = Phase.bus(capacity);
        try
        {
            final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
            new TransitionPublisher<>(bus, Policy.BLOCK, pool).subscribe(subscriber);
            // a ring more than will be requested: the producer ends up a full ring ahead, held back by demand
            final Thread producer = new Thread(() -> Phase.publish(bus, 2 * each + capacity), "producer");
            producer.start();
            final Runnable oneByOne = () ->
            {
                for (int i = 0; i < each; i++)
                {
                    subscriber.request(1);
                }
            };
            final Thread a = new Thread(oneByOne, "requester-a");
            final Thread b = new Thread(oneByOne, "requester-b");
            a.start();
            b.start();
            a.join(TimeUnit.SECONDS.toMillis(20));
            b.join(TimeUnit.SECONDS.toMillis(20));
            subscriber.awaitItems(2 * each);
            producer.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(producer.isAlive()).isFalse();
            bus.close(); // a ring's worth is still owed: no completion until it is requested
            assertThat(subscriber.received()).isEqualTo(2 * each);
            assertThat(subscriber.completes()).isZero();

            subscriber.request(capacity);
            subscriber.awaitEnd();
            assertThat(subscriber.completes()).isEqualTo(1);
            assertThat(subscriber.violations()).isEmpty();
            Phase.assertCompleteAndChained(subscriber.items(), 1, 2 * each + capacity);
        }
        finally
        {
            bus.close();
            pool.shutdownNow();
        }
    }

    @Test
    void demandRequestedFromOnNextOneAtATimeDeliversEverythingWithoutRecursion() throws Exception
    {
        final StateBus<Phase> bus = Phase.bus(16);
        final int[] depth = {0, 0}; // current, deepest: one thread (a same-thread executor), so plain ints
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>()
        {
            @Override
            void next(final Transition<Phase> item)
            {
                depth[1] = Math.max(depth[1], ++depth[0]);
                request(1);
                depth[0]--;
            }
        };
        Phase.publish(bus, 10);
        new TransitionPublisher<>(bus, Policy.BLOCK, Runnable::run).replayFrom(1).subscribe(subscriber);
        subscriber.request(1); // runs the whole stream on this thread, inside this call
        subscriber.awaitItems(10); // (or the delay thread's registration check does, if it met the request)
        assertThat(subscriber.received()).isEqualTo(10);
        assertThat(depth[1]).as("onNext -> request -> onNext nesting (rule 3.3)").isEqualTo(1);
        bus.close();
        assertThat(subscriber.completes()).isEqualTo(1);
        assertThat(subscriber.violations()).isEmpty();
        Phase.assertCompleteAndChained(subscriber.items(), 1, 10);
    }

    @Test
    void demandSaturatesAtLongMaxValue() throws Exception
    {
        final StateBus<Phase> bus = Phase.bus(16);
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
        new TransitionPublisher<>(bus, Policy.BLOCK, Runnable::run).subscribe(subscriber);
        subscriber.request(Long.MAX_VALUE);
        subscriber.request(Long.MAX_VALUE); // rule 3.17: no overflow, no error
        Phase.publish(bus, 100); // more than the ring: unbounded demand keeps up
        bus.close();
        subscriber.awaitEnd();
        assertThat(subscriber.errors()).isZero();
        assertThat(subscriber.completes()).isEqualTo(1);
        assertThat(subscriber.violations()).isEmpty();
        Phase.assertCompleteAndChained(subscriber.items(), 1, 100);
    }
}
