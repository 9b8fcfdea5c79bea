package io.statebus.flow;

import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.StateBusClosedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "The bus closing -> onComplete after everything published before was delivered (as demand allows)", and the
 * other ways a stream ends: a terminal state, a terminal predicate that throws, and subscribing to a closed bus
 * (onSubscribe, then onError).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlowCloseCompletesAfterTheLastTest
{
    @Test
    void closingCompletesOnlyAfterTheLastTransitionWasRequestedAndDelivered() throws Exception
    {
        final StateBus<Phase> bus = Phase.bus(8);
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
        new TransitionPublisher<>(bus, Policy.BLOCK, Runnable::run).subscribe(subscriber);
        subscriber.request(2);
        Phase.publish(bus, 5);
        bus.close(); // a same-thread executor: anything the close could deliver, it delivered inside this call
        subscriber.awaitItems(2); // or the JDK's delay thread did, if the registration check met a publish
        assertThat(subscriber.received()).isEqualTo(2);
        assertThat(subscriber.completes()).isZero(); // #3..#5 are owed first

        subscriber.request(2);
        subscriber.awaitItems(4);
        assertThat(subscriber.received()).isEqualTo(4);
        assertThat(subscriber.completes()).isZero();

        subscriber.request(1); // the last one; completion needs no demand
        subscriber.awaitEnd();
        assertThat(subscriber.completes()).isEqualTo(1);
        subscriber.request(1);
        assertThat(subscriber.violations()).isEmpty();
        Phase.assertCompleteAndChained(subscriber.items(), 1, 5);
    }

    @Test
    void aSubscriberWithNothingOwedCompletesWithoutDemand() throws Exception
    {
        final StateBus<Phase> bus = Phase.bus(8);
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
        new TransitionPublisher<>(bus, Policy.GAP, Runnable::run).subscribe(subscriber);
        bus.close();
        subscriber.awaitEnd();
        assertThat(subscriber.completes()).isEqualTo(1);
        assertThat(subscriber.received()).isZero();
        assertThat(subscriber.violations()).isEmpty();
    }

    @Test
    void subscribingToAClosedBusSignalsOnSubscribeThenOnError()
    {
        final StateBus<Phase> bus = Phase.bus(8);
        bus.close();
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
        new TransitionPublisher<>(bus, Policy.BLOCK).subscribe(subscriber);
        assertThat(subscriber.subscription).isNotNull();
        assertThat(subscriber.error()).isInstanceOf(StateBusClosedException.class);
        assertThat(subscriber.violations()).isEmpty();
    }

    @Test
    void aTerminalStateCompletesTheStreamRightAfterItsTransition() throws Exception
    {
        final StateBus<Phase> bus = Phase.bus(16);
        final TransitionPublisher<Phase> publisher =
            new TransitionPublisher<>(bus, Policy.BLOCK).completeWhen(s -> s == Phase.P3);
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
        publisher.subscribe(subscriber);
        subscriber.request(100);
        Phase.publish(bus, 8); // P1 P2 P3 P4 P0 P1 P2 P3
        subscriber.awaitEnd();
        assertThat(subscriber.completes()).isEqualTo(1);
        Phase.assertCompleteAndChained(subscriber.items(), 1, 3);
        assertThat(bus.subscriptionCount()).isZero(); // the stream's subscription is closed
        assertThat(subscriber.violations()).isEmpty();

        final RecordingSubscriber<Phase> late = new RecordingSubscriber<>(); // joins at P3: over already
        publisher.subscribe(late);
        late.awaitEnd();
        assertThat(late.completes()).isEqualTo(1);
        assertThat(late.received()).isZero();
        bus.close();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aTerminalPredicateThatThrowsAtTheJoinEndsTheStreamWithOnErrorAndHoldsNothing(final boolean anError)
    {
        final int capacity = 4;
        final StateBus<Phase> bus = Phase.bus(capacity);
        final Throwable thrown = anError ? new AssertionError("predicate") : new IllegalStateException("predicate");
        final RecordingSubscriber<Phase> subscriber = new RecordingSubscriber<>();
        new TransitionPublisher<>(bus, Policy.BLOCK).completeWhen(s ->
        {
            if (thrown instanceof Error)
            {
                throw (Error)thrown;
            }
            throw (RuntimeException)thrown;
        }).subscribe(subscriber); // returns normally (rule 1.9), whatever the predicate threw

        assertThat(subscriber.error()).isSameAs(thrown);
        assertThat(bus.subscriptionCount()).isZero();
        Phase.publish(bus, 4 * capacity); // nothing left to hold the producer back
        bus.close();
        assertThat(subscriber.errors()).isEqualTo(1);
        assertThat(subscriber.received()).isZero();
        assertThat(subscriber.violations()).isEmpty();
    }
}
