package io.statebus.flow;

import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.Transition;
import io.statebus.ValueStateBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code Flow.Publisher} front-end on a bus of values (guarantees 1, 2 and 4 through it, as on a bus of states):
 * every item is a value bus's transition, complete, ordered and chained, {@code null} included where the builder
 * allows it; demand is honoured, and under {@code BLOCK} unmet demand holds the producer back; {@code completeWhen}
 * tests the value; a lapped {@code GAP} subscriber learns exactly what it missed. Signals are awaited, not assumed
 * inline: with a same-thread executor a delivery may also run on the JDK's delay thread (the registration check),
 * except on the lapped test's single-producer bus, whose producer published before it subscribed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlowOfAValueBusTest
{
    private static final int CAPACITY = 8;

    private static ValueStateBus<String> bus()
    {
        return StateBus.<String>valueBuilder(valueAt(0)).nullable(true).capacity(CAPACITY).build();
    }

    /** Sequence n's value (0: the initial one): null every third from #2, so the chain runs through nulls. */
    private static String valueAt(final long sequence)
    {
        return sequence % 3 == 2 ? null : "v" + sequence;
    }

    private static void publish(final ValueStateBus<String> bus, final long from, final long to)
    {
        for (long s = from; s <= to; s++)
        {
            bus.set(valueAt(s));
        }
    }

    private static void assertCompleteAndChained(final List<Transition<String>> items, final long first, final long last)
    {
        assertThat(items).hasSize((int)(last - first + 1));
        for (int i = 0; i < items.size(); i++)
        {
            final Transition<String> t = items.get(i);
            assertThat(t.sequence()).isEqualTo(first + i);
            assertThat(t.from()).isEqualTo(valueAt(t.sequence() - 1));
            assertThat(t.to()).isEqualTo(valueAt(t.sequence()));
        }
    }

    @Test
    void demandIsHonouredUnmetDemandHoldsTheProducerAndEveryValueArrivesChainedNullsIncluded() throws Exception
    {
        final ValueStateBus<String> bus = bus();
        final RecordingSubscriber<String> subscriber = new RecordingSubscriber<>();
        new TransitionPublisher<>(bus, Policy.BLOCK, Runnable::run).subscribe(subscriber);

        publish(bus, 1, CAPACITY); // fills the ring: nothing requested, nothing consumed
        assertThat(bus.trySet("refused", Duration.ofMillis(20))).isFalse();
        assertThat(bus.latestSequence()).isEqualTo(CAPACITY);
        assertThat(subscriber.received()).isZero();

        subscriber.request(3);
        subscriber.awaitItems(3); // on this thread, or the delay thread's registration check (see ExecutorDelivery)
        assertThat(subscriber.received()).isEqualTo(3);
        subscriber.request(Long.MAX_VALUE);
        publish(bus, CAPACITY + 1, 100);
        bus.close();
        subscriber.awaitEnd();
        assertThat(subscriber.completes()).isEqualTo(1);
        assertThat(subscriber.violations()).isEmpty();
        assertCompleteAndChained(subscriber.items(), 1, 100);
    }

    @Test
    void completeWhenTestsTheValue() throws Exception
    {
        final ValueStateBus<String> bus = bus();
        final RecordingSubscriber<String> subscriber = new RecordingSubscriber<>();
        new TransitionPublisher<>(bus, Policy.BLOCK, Runnable::run).completeWhen(Objects::isNull).subscribe(subscriber);
        subscriber.request(Long.MAX_VALUE);

        publish(bus, 1, 5); // #2 is the first null: the stream ends right after it

        subscriber.awaitEnd();
        assertThat(subscriber.completes()).isEqualTo(1);
        assertThat(subscriber.violations()).isEmpty();
        assertCompleteAndChained(subscriber.items(), 1, 2);
        assertThat(bus.subscriptionCount()).isZero();
        bus.close();
    }

    @Test
    void aLappedGapSubscriberLearnsExactlyWhatItMissed() throws Exception
    {
        // one producer, this thread, which publishes before it subscribes: #1 and #2 are delivered inside its own
        // calls. On a many-producer bus the registration check may deliver them on the JDK's delay thread instead,
        // where this producer, which never waits, can lap the subscriber before it reads them
        final ValueStateBus<String> bus = StateBus.<String>valueBuilder(valueAt(0)).nullable(true).capacity(CAPACITY)
            .producerMode(ProducerMode.SINGLE).build();
        final RecordingSubscriber<String> subscriber = new RecordingSubscriber<>();
        publish(bus, 1, 1);
        new TransitionPublisher<>(bus, Policy.GAP, Runnable::run).replayFrom(1).subscribe(subscriber);
        subscriber.request(2); // #1 delivered in this call
        publish(bus, 2, 30); // #2 delivered in its set; the ring then holds #23..#30 only
        assertThat(bus.producerWaits()).isZero();
        assertThat(subscriber.received()).isEqualTo(2);

        subscriber.request(1);

        subscriber.awaitEnd();
        assertThat(subscriber.error()).isInstanceOfSatisfying(TransitionsMissedException.class, missed ->
        {
            assertThat(missed.firstMissed()).isEqualTo(3);
            assertThat(missed.lastMissed()).isEqualTo(22);
        });
        assertThat(subscriber.violations()).isEmpty();
        assertCompleteAndChained(subscriber.items(), 1, 2);
        bus.close();
    }
}
