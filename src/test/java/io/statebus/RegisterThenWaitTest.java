package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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
            assertThat(bus.subscriptionCount()).as("the await's own subscription is counted").isOne();
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

    /** A registration closed by another thread while one waits on it ends that wait at once, not at its deadline. */
    @Test
    void aRegistrationClosedWhileAThreadWaitsOnItReleasesTheWaiterAtOnce() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            final PendingAwait<Connection> closed = bus.prepareAwait(CLOSED);
            final AtomicReference<Throwable> thrown = new AtomicReference<>();
            final CountDownLatch ended = new CountDownLatch(1);
            final Thread waiter = new Thread(() ->
            {
                try
                {
                    thrown.set(new AssertionError("answered " + closed.await(Duration.ofSeconds(25))));
                }
                catch (final Throwable ex)
                {
                    thrown.set(ex);
                }
                ended.countDown();
            });
            final long started = System.nanoTime();
            waiter.start();
            // parked for its deadline: past the short parks of its registration window (RegistrationWindow.NANOS)
            TestAwait.until(() -> waiter.getState() == Thread.State.TIMED_WAITING &&
                System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(100), "the waiter parked");
            closed.close();
            assertThat(ended.await(10, TimeUnit.SECONDS)).as("the waiter ended well before its deadline").isTrue();
            assertThat(thrown.get()).isInstanceOf(StateBusClosedException.class).hasMessageContaining("closed");
            assertThat(bus.producer().listenerCount()).isZero();
        }
    }

    /** As for a blocking wait: closing the registration ends its future at once, not at its timeout. */
    @Test
    void aRegistrationClosedAfterItsFutureStartedEndsTheFutureAtOnce() throws Exception
    {
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            final AtomicInteger ran = new AtomicInteger();
            final Executor counting = task -> pool.execute(() ->
            {
                task.run();
                ran.incrementAndGet();
            });
            final PendingAwait<Connection> closed = bus.prepareAwait(CLOSED);
            final CompletableFuture<Transition<Connection>> future = closed.future(Duration.ofSeconds(25), counting);
            // its first drain and its registration window's re-check have run: only a wake-up can start another
            TestAwait.until(() -> ran.get() == 2, "the delivery's first two tasks ran");
            bus.set(CONNECTING);
            TestAwait.until(() -> ran.get() == 3, "the delivery saw CONNECTING");
            closed.close();
            assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).as("ended well before its timeout")
                .hasCauseInstanceOf(StateBusClosedException.class);
            assertThat(bus.producer().listenerCount()).isZero();
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    /** A close that lands while the waiter is still registering its wake-up leaves no listener on the producer. */
    @Test
    void aRegistrationClosedAsAThreadStartsWaitingLeavesNoListenerBehind() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            for (int round = 0; round < 2_000; round++)
            {
                final PendingAwait<Connection> closed = bus.prepareAwait(CLOSED);
                final CountDownLatch started = new CountDownLatch(1);
                final Thread waiter = new Thread(() ->
                {
                    started.countDown();
                    try
                    {
                        closed.await(Duration.ofMillis(500));
                    }
                    catch (final InterruptedException | RuntimeException ex)
                    {
                        // closed before or while it waited: either is this test's race
                    }
                });
                waiter.start();
                started.await();
                closed.close(); // races the waiter's use of the registration
                TestAwait.ended(waiter);
            }
            assertThat(bus.producer().listenerCount()).as("listeners left on the producer").isZero();
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
