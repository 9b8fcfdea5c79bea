package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.statebus.Connection.CLOSED;
import static io.statebus.Connection.CLOSING;
import static io.statebus.Connection.CONNECTED;
import static io.statebus.Connection.CONNECTING;
import static io.statebus.Connection.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guarantee 7 with a registration moment: an await registered before another thread publishes finds a state that
 * lasted one transition, however soon after the registration it came and went; Duration works for every timeout.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RegisterThenWaitTest
{
    /** 200 rounds: register, then let another thread pass through CLOSING at once; never missed. */
    @Test
    void anAwaitRegisteredBeforeThePublishNeverMissesAOneStepState() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(64).build())
        {
            int missed = 0;
            for (int round = 0; round < 200; round++)
            {
                final PendingAwait<Connection> closing = bus.prepareAwait(CLOSING);
                final CountDownLatch published = new CountDownLatch(1);
                final Thread producer = new Thread(() ->
                {
                    bus.set(CONNECTING);
                    bus.set(CLOSING); // lasts one transition
                    bus.set(CLOSED);
                    bus.set(DISCONNECTED);
                    published.countDown();
                });
                producer.start();
                assertThat(published.await(10, TimeUnit.SECONDS)).isTrue();
                final Awaited<Connection> r = closing.await(Duration.ofSeconds(5));
                if (r.outcome() != Awaited.Outcome.MATCHED || r.transition().from() != CONNECTING)
                {
                    missed++;
                }
                producer.join();
            }
            assertThat(missed).as("awaits that missed CLOSING").isZero();
            assertThat(bus.subscriptionCount()).isZero();
        }
    }

    @Test
    void theAnswerIsRelativeToTheRegistrationAndComesOnce() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            final PendingAwait<Connection> disconnected = bus.prepareAwait(DISCONNECTED);
            bus.set(CONNECTING); // the state moved on after the registration: still ALREADY
            final Awaited<Connection> r = disconnected.await(Duration.ZERO);
            assertThat(r.outcome()).isEqualTo(Awaited.Outcome.ALREADY);
            assertThat(r.transition().sequence()).isZero();
            assertThatThrownBy(() -> disconnected.await(Duration.ZERO))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("already waited on");

            final PendingAwait<Connection> change = bus.prepareAwaitChange();
            bus.set(CONNECTED);
            assertThat(change.await(1, TimeUnit.SECONDS).transition().sequence()).isEqualTo(2);
        }
    }

    @Test
    void aFutureRegisteredFirstCompletesWithTheFirstMatchOnTheCommonPool() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            final CompletableFuture<Transition<Connection>> connected = bus.awaitAsync(CONNECTED, Duration.ofSeconds(10));
            final CompletableFuture<Transition<Connection>> fromPending =
                bus.prepareAwait(s -> s == CLOSED).future(Duration.ofSeconds(10));
            bus.set(CONNECTING);
            bus.set(CONNECTED);
            bus.set(CLOSING);
            bus.set(CLOSED);
            assertThat(connected.get(10, TimeUnit.SECONDS).sequence()).isEqualTo(2);
            assertThat(fromPending.get(10, TimeUnit.SECONDS).sequence()).isEqualTo(4);
            TestAwait.until(() -> bus.subscriptionCount() == 0, "both futures' subscriptions closed");
        }
    }

    @Test
    void aClosedRegistrationStopsGatingAtOnce() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(2).build())
        {
            final PendingAwait<Connection> never = bus.prepareAwait(CLOSED);
            bus.set(CONNECTING);
            bus.set(CONNECTED);
            assertThat(bus.trySet(CLOSING, Duration.ofMillis(1))).as("a BLOCK await a ring behind holds the producer")
                .isFalse();
            never.close();
            assertThat(bus.trySet(CLOSING, Duration.ofSeconds(5))).isTrue();
            assertThat(bus.subscriptionCount()).isZero();
            // the bus is open: waiting on the closed registration is the caller's mistake, not a closed bus
            assertThatThrownBy(() -> never.await(Duration.ofSeconds(1))).isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed before it was waited on");
            assertThatThrownBy(() -> never.future(Duration.ofSeconds(1)))
                .isExactlyInstanceOf(IllegalStateException.class).hasMessageContaining("closed before it was waited on");
            assertThat(bus.subscriptionCount()).isZero();
        }
    }

    @Test
    void badDurationsAreRefusedAndChangeNothing()
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            assertThatThrownBy(() -> bus.trySet(CONNECTING, (Duration)null))
                .isInstanceOf(NullPointerException.class).hasMessage("timeout must not be null");
            assertThatThrownBy(() -> bus.await(CLOSED, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must not be negative, got PT-0.001S");
            assertThatThrownBy(() -> bus.awaitAsync(CLOSED, null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> bus.awaitChange((Duration)null)).isInstanceOf(NullPointerException.class);
            assertThat(bus.get()).isEqualTo(DISCONNECTED);
            assertThat(bus.latestSequence()).isZero();
            assertThat(bus.subscriptionCount()).isZero();
        }
    }
}
