package io.statebus.flow;

import io.statebus.Mirror;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.Transition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Under GAP, a subscriber that falls a ring behind learns what it missed": the producer never waits for it; once
 * lapped it receives every transition before the gap, then {@code onError(TransitionsMissedException)} naming
 * exactly the sequences it missed, and nothing after. A mirror's lost transitions end a stream the same way, even a
 * {@code BLOCK} one, and are not blamed on a lap.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlowGapReportsWhatWasMissedTest
{
    @Test
    void aSubscriberWithoutDemandIsLappedAndLearnsExactlyWhatItMissedWhenItAsksAgain() throws Exception
    {
        final int capacity = 4;
        // one producer, this thread, which publishes before it subscribes: #1 and #2 are delivered inside its own
        // calls. On a many-producer bus the registration check may deliver them on the JDK's delay thread instead,
        // where this producer, which never waits, can lap the subscriber before it reads them
        final StateBus<Phase> bus = StateBus.builder(Phase.P0).capacity(capacity).producerMode(ProducerMode.SINGLE)
            .build();
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
        Phase.publish(bus, 1);
        new TransitionPublisher<>(bus, Policy.GAP, Runnable::run).replayFrom(1).subscribe(subscriber);
        subscriber.request(2); // #1 delivered in this call
        Phase.publish(bus, 21); // #2 delivered in its set; #3..#22 run five rings past the subscriber
        assertThat(bus.producerWaits()).isZero();
        assertThat(subscriber.received()).isEqualTo(2);
        assertThat(subscriber.errors()).isZero(); // it learns when it next reads, not before

        subscriber.request(1);
        subscriber.awaitEnd();

        // the ring holds #19..#22 (capacity 4): #3..#18 are gone
        assertThat(subscriber.error()).isInstanceOfSatisfying(TransitionsMissedException.class, missed ->
        {
            assertThat(missed.firstMissed()).isEqualTo(3);
            assertThat(missed.lastMissed()).isEqualTo(18);
            assertThat(missed.missed()).isEqualTo(16);
        });
        assertThat(subscriber.errors()).isEqualTo(1);
        assertThat(subscriber.violations()).isEmpty();
        Phase.assertCompleteAndChained(subscriber.items(), 1, 2);
        assertThat(bus.subscriptionCount()).isZero();
        bus.close();
        assertThat(subscriber.completes()).isZero();
    }

    @Test
    void aDeliberatelySlowSubscriberIsLappedByAProducerThatNeverWaits() throws Exception
    {
        final int capacity = 4;
        final int total = 100;
        final StateBus<Phase> bus = Phase.bus(capacity);
        final CountDownLatch inFirstOnNext = new CountDownLatch(1);
        final CountDownLatch producerDone = new CountDownLatch(1);
        final RecordingSubscriber<Phase> slow = new RecordingSubscriber<>()
        {
            @Override
            void next(final Transition<Phase> item)
            {
                if (item.sequence() == 1)
                {
                    inFirstOnNext.countDown();
                    try
                    {
                        // slow: busy with #1 until the producer has published everything
                        assertThat(producerDone.await(20, TimeUnit.SECONDS)).isTrue();
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        new TransitionPublisher<>(bus, Policy.GAP, task -> new Thread(task, "delivery").start()).subscribe(slow);
        slow.request(Long.MAX_VALUE);
        bus.set(Phase.at(1));
        assertThat(inFirstOnNext.await(20, TimeUnit.SECONDS)).isTrue();
        Phase.publish(bus, total - 1); // #2..#100 while the subscriber is stuck in onNext(#1): never waits
        assertThat(bus.producerWaits()).isZero();
        producerDone.countDown();
        slow.awaitEnd();

        // the ring holds #97..#100 when the subscriber reads #2
        assertThat(slow.error()).isInstanceOfSatisfying(TransitionsMissedException.class, missed ->
        {
            assertThat(missed.firstMissed()).isEqualTo(2);
            assertThat(missed.lastMissed()).isEqualTo(total - capacity);
        });
        assertThat(slow.violations()).isEmpty();
        Phase.assertCompleteAndChained(slow.items(), 1, 1);
        bus.close();
    }

    @Test
    void aBlockSubscriberOfAMirrorLearnsExactlyWhichTransitionsNeverArrived() throws Exception
    {
        final Mirror<Phase> mirror = StateBus.builder(Phase.P0).capacity(8).buildMirror(0, Phase.P0, 0);
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
        new TransitionPublisher<>(mirror.bus(), Policy.BLOCK, Runnable::run).subscribe(subscriber);
        subscriber.request(10);
        mirror.append(1, Phase.P0, Phase.P1, 1);
        mirror.append(4, Phase.P3, Phase.P4, 4); // #2 and #3 never arrived

        subscriber.awaitEnd();
        assertThat(subscriber.error()).isInstanceOfSatisfying(TransitionsMissedException.class, missed ->
        {
            assertThat(missed.firstMissed()).isEqualTo(2);
            assertThat(missed.lastMissed()).isEqualTo(3);
            // the subscriber had demand and its policy holds the producer back: nothing lapped it
            assertThat(missed).hasMessageNotContaining("lapped").hasMessageContaining("#2..#3 (2)");
        });
        assertThat(subscriber.violations()).isEmpty();
        Phase.assertCompleteAndChained(subscriber.items(), 1, 1);
        mirror.close();
    }
}
