package io.statebus.flow;

import io.statebus.Policy;
import io.statebus.StateBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Under BLOCK, unmet demand holds the producer back like a slow subscription": with no demand nothing is
 * consumed, so once the ring is full a timed {@code trySet} gives up and changes nothing; a request lets the
 * producer go on; nothing is lost, and the stream stays in order and chained.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlowBlockHoldsTheProducerTest
{
    private static final int CAPACITY = 8;

    @Test
    void noDemandHoldsTheProducerOnceTheRingIsFullAndARequestLetsItGoOn() throws Exception
    {
        final StateBus<Phase> bus = Phase.bus(CAPACITY);
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
        new TransitionPublisher<>(bus, Policy.BLOCK, Runnable::run).subscribe(subscriber);

        Phase.publish(bus, CAPACITY); // fills the ring: nothing requested, nothing consumed
        assertThat(bus.trySet(Phase.at(CAPACITY + 1), 20, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(bus.latestSequence()).isEqualTo(CAPACITY);
        assertThat(bus.get()).isEqualTo(Phase.at(CAPACITY));
        assertThat(subscriber.received()).isZero();

        subscriber.request(3); // a same-thread executor: delivered inside this call, three slots freed
        assertThat(subscriber.received()).isEqualTo(3);
        Phase.publish(bus, 3);
        assertThat(bus.trySet(Phase.at(CAPACITY + 4), 20, TimeUnit.MILLISECONDS)).isFalse(); // full again

        subscriber.request(Long.MAX_VALUE);
        Phase.publish(bus, 100);
        bus.close();
        assertThat(subscriber.completes()).isEqualTo(1);
        assertThat(subscriber.violations()).isEmpty();
        Phase.assertCompleteAndChained(subscriber.items(), 1, CAPACITY + 3 + 100);
    }

    @Test
    void aBlockedProducerThreadIsReleasedByDemandFromAnotherThread() throws Exception
    {
        final StateBus<Phase> bus = Phase.bus(CAPACITY);
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
        new TransitionPublisher<>(bus, Policy.BLOCK).subscribe(subscriber); // the common pool
        final int total = CAPACITY * 10;
        final Thread producer = new Thread(() -> Phase.publish(bus, total), "producer");
        producer.start();
        // the producer can be at most a ring ahead of what was requested
        for (int requested = 1; requested <= total; requested++)
        {
            subscriber.request(1);
            subscriber.awaitItems(requested);
            assertThat(bus.latestSequence()).isLessThanOrEqualTo(requested + CAPACITY);
        }
        producer.join(TimeUnit.SECONDS.toMillis(20));
        assertThat(producer.isAlive()).isFalse();
        bus.close();
        subscriber.awaitEnd();
        assertThat(subscriber.completes()).isEqualTo(1);
        assertThat(subscriber.violations()).isEmpty();
        Phase.assertCompleteAndChained(subscriber.items(), 1, total);
    }
}
