package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keyed bus, awaits per key (guarantee 7): an await answers at once if its key is in the state when it registers,
 * otherwise with its key's first transition into it, even one that lasted a single step; other keys' transitions
 * into that state never answer it.
 */
@Timeout(30)
final class KeyedAwaitTest
{
    @Test
    void anAwaitSeesItsKeysStateThatLastedOneStepAndIgnoresOtherKeys() throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).build())
        {
            bus.open(1, Connection.DISCONNECTED);
            bus.open(2, Connection.DISCONNECTED);
            final CountDownLatch started = new CountDownLatch(1);
            final AtomicReference<Awaited<Connection>> answer = new AtomicReference<>();
            final Thread waiter = new Thread(() ->
            {
                try
                {
                    started.countDown();
                    answer.set(bus.await(1, Connection.CONNECTED, Duration.ofSeconds(20)));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }, "waiter");
            waiter.start();
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            // the waiter may register before or after these; either way key 2's CONNECTED must not answer it
            final long[] keyOneConnected = new long[1];
            TestAwait.until(() -> waiterIsWaiting(waiter), "the waiter is waiting");
            bus.set(2, Connection.CONNECTING);
            bus.set(2, Connection.CONNECTED);
            bus.set(1, Connection.CONNECTING);
            keyOneConnected[0] = bus.set(1, Connection.CONNECTED); // lasts one step
            bus.set(1, Connection.CLOSING);
            TestAwait.ended(waiter);
            assertThat(answer.get().outcome()).isEqualTo(Awaited.Outcome.MATCHED);
            assertThat(answer.get().transition().sequence()).isEqualTo(keyOneConnected[0]);
            assertThat(((KeyedTransition<Connection>)answer.get().transition()).key()).isEqualTo(1);

            assertThat(bus.await(2, Connection.CONNECTED, Duration.ofMillis(1)).outcome())
                .isEqualTo(Awaited.Outcome.ALREADY);
            assertThat(bus.await(2, Connection.CLOSED, Duration.ofMillis(20)).outcome())
                .isEqualTo(Awaited.Outcome.TIMED_OUT);
            assertThatThrownBy(() -> bus.await(9, Connection.CLOSED, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anAwaitCalledWithTheInterruptFlagSetThrowsAsEveryOtherBussAwaitDoes() throws Exception
    {
        try (KeyedStateBus<Connection> keyed = KeyedStateBus.builder(Connection.class).build();
            StateBus<Connection> plain = StateBus.builder(Connection.DISCONNECTED).build())
        {
            keyed.open(1, Connection.DISCONNECTED);
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> plain.await(Connection.DISCONNECTED, Duration.ofSeconds(1)))
                .isInstanceOf(InterruptedException.class);
            Thread.currentThread().interrupt();
            // the key is in the state already: the answer would be at once, but the caller asked to be interrupted
            assertThatThrownBy(() -> keyed.await(1, Connection.DISCONNECTED, Duration.ofSeconds(1)))
                .isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).as("the flag is cleared, as InterruptedException says").isFalse();
            assertThat(keyed.await(1, Connection.DISCONNECTED, Duration.ofSeconds(1)).outcome())
                .isEqualTo(Awaited.Outcome.ALREADY);
        }
        finally
        {
            Thread.interrupted();
        }
    }

    @Test
    void anAwaitOnTheSmallestLongKeyIgnoresOtherKeys() throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).build())
        {
            bus.open(Long.MIN_VALUE, Connection.DISCONNECTED);
            bus.open(0, Connection.DISCONNECTED);
            final CompletableFuture<Transition<Connection>> future = bus.awaitAsync(
                Long.MIN_VALUE, s -> s == Connection.CONNECTING, Duration.ofSeconds(20), Runnable::run);
            bus.set(0, Connection.CONNECTING); // the executor runs the check on this thread, before set returns
            assertThat(future).as("answered by key 0's transition").isNotDone();
            final long own = bus.set(Long.MIN_VALUE, Connection.CONNECTING);
            assertThat(future.get(10, TimeUnit.SECONDS).sequence()).isEqualTo(own);
        }
    }

    /**
     * Guarantee 7's "any change" for one key, as {@code StateBus.awaitChange}: the key's next transition after the
     * await registers, whatever it is (other keys' never answer it), even one that returns the key to the state it
     * registered in or retires it; never the key's current state.
     */
    @Test
    void anAwaitForAnyChangeOfAKeyAnswersWithItsNextTransitionOnly() throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).retireOn(Connection.CLOSED)
            .publishUnchanged(true).build())
        {
            bus.open(1, Connection.CONNECTED);
            bus.open(2, Connection.CONNECTED);
            assertThat(bus.awaitChange(1, Duration.ofMillis(20)).outcome()).as("the current state is no change")
                .isEqualTo(Awaited.Outcome.TIMED_OUT);
            final CompletableFuture<Awaited<Connection>> change = changeOnThread(bus, 1);
            bus.set(2, Connection.CLOSING);
            final long own = bus.set(1, Connection.CONNECTED); // unchanged, published: a change all the same
            bus.set(1, Connection.CLOSING);
            final Awaited<Connection> answer = change.get(20, TimeUnit.SECONDS);
            assertThat(answer.outcome()).isEqualTo(Awaited.Outcome.MATCHED);
            assertThat(answer.transition().sequence()).isEqualTo(own);
            final CompletableFuture<Awaited<Connection>> last = changeOnThread(bus, 1);
            final long closed = bus.set(1, Connection.CLOSED); // retires key 1
            assertThat(last.get(20, TimeUnit.SECONDS).transition().sequence()).isEqualTo(closed);
            assertThatThrownBy(() -> bus.awaitChange(1, Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key 1 is not open");
            assertThatThrownBy(() -> bus.awaitChange(2, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        }
    }

    /** Starts {@code awaitChange(key)} on a thread of its own and returns once it is registered (waiting). */
    private static CompletableFuture<Awaited<Connection>> changeOnThread(final KeyedStateBus<Connection> bus,
        final long key)
    {
        final CompletableFuture<Awaited<Connection>> answer = new CompletableFuture<>();
        final Thread waiter = new Thread(() ->
        {
            try
            {
                answer.complete(bus.awaitChange(key, Duration.ofSeconds(20)));
            }
            catch (final Throwable ex)
            {
                answer.completeExceptionally(ex);
            }
        }, "change-waiter");
        waiter.start();
        TestAwait.until(() -> waiterIsWaiting(waiter) || answer.isDone(), "the waiter is waiting");
        return answer;
    }

    private static boolean waiterIsWaiting(final Thread waiter)
    {
        final Thread.State state = waiter.getState();
        return state == Thread.State.TIMED_WAITING || state == Thread.State.WAITING;
    }
}
