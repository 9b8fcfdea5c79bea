package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.statebus.Connection.CLOSED;
import static io.statebus.Connection.CLOSING;
import static io.statebus.Connection.CONNECTED;
import static io.statebus.Connection.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user reads on day one, in the Javadoc of the public types and in what they print, is what the bus does,
 * through the public API only: each test pins one claim a user would act on (or log) that an earlier version broke.
 */
@Timeout(30)
final class WhatAUserReadsIsWhatTheBusDoesTest
{
    /**
     * A keyed subscription's {@code toString} names no state at its join point: the ring's transition there was of
     * one key, and a state named there (it said {@code joined at #4 CLOSED}) contradicts the next transition the
     * subscription receives, another key's, which starts elsewhere.
     */
    @Test
    void aKeyedSubscriptionLogsItsJoinSequenceAndNoStateThatNoKeyIsIn()
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).retireOn(CLOSED).build())
        {
            bus.open(1, DISCONNECTED);
            bus.open(2, CONNECTED);
            bus.set(1, CONNECTED);
            bus.set(2, CLOSED); // #4, and key 2 is retired
            final KeyedSubscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            bus.set(1, CLOSING);
            final List<String> seen = new ArrayList<>();
            sub.poll((t, end) -> seen.add(t.toString()), 16);

            assertThat(seen).containsExactly("#5 key 1: CONNECTED -> CLOSING");
            assertThat(sub).hasToString(
                "KeyedSubscription{BLOCK, joined at #4, position=5, delivered=1, missed=0, gaps=0}");
            sub.close();
            assertThat(sub).hasToString(
                "KeyedSubscription{BLOCK, joined at #4, position=5, delivered=1, missed=0, gaps=0, closed}");
        }
    }

    /**
     * Closing a handler thread's subscription ends the thread after the callback in progress, without delivering the
     * rest of what was published (its slots are no longer held, as {@link Subscription#close()} says); it is closing
     * the bus that delivers everything first. {@code subscribe(policy, handler)}'s Javadoc said both did.
     */
    @Test
    void closingAHandlerThreadsSubscriptionEndsItAfterTheCallbackInProgress() throws Exception
    {
        try (StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(100)).capacity(128).build())
        {
            final CountDownLatch inFirst = new CountDownLatch(1);
            final CountDownLatch closed = new CountDownLatch(1);
            final CountDownLatch stopped = new CountDownLatch(1);
            final List<Long> delivered = new CopyOnWriteArrayList<>();
            final Subscription<Integer> sub = bus.subscribe(Policy.BLOCK, new TransitionHandler<>()
            {
                @Override
                public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
                {
                    delivered.add(t.sequence());
                    inFirst.countDown();
                    awaitQuietly(closed);
                }

                @Override
                public void onStop()
                {
                    stopped.countDown();
                }
            });
            for (int i = 1; i < 100; i++)
            {
                bus.set(i);
            }
            assertThat(inFirst.await(10, TimeUnit.SECONDS)).isTrue();
            sub.close();
            closed.countDown();
            assertThat(stopped.await(10, TimeUnit.SECONDS)).describedAs("onStop after the close").isTrue();
            sub.handlerThread().join(10_000);

            assertThat(sub.handlerThread().isAlive()).isFalse();
            assertThat(delivered).containsExactly(1L);
            assertThat(sub.isClosed()).isTrue();
            assertThat(sub.failure()).isNull();
        }
    }

    /**
     * The builders' default handler threads are what their Javadoc says: daemon threads (they never keep a JVM alive)
     * named {@code statebus-handler-N}, on every kind of bus, and each ends once its bus is closed.
     */
    @Test
    void defaultHandlerThreadsAreNamedDaemonsThatEndWithTheirBus() throws Exception
    {
        final StateBus<Connection> states = StateBus.builder(DISCONNECTED).build();
        final LongStateBus longs = StateBus.longBuilder(0).build();
        final ValueStateBus<String> values = StateBus.valueBuilder("a").build();
        final KeyedStateBus<Connection> keyed = KeyedStateBus.builder(Connection.class).build();
        final List<Thread> threads = List.of(
            states.subscribe(Policy.BLOCK, (t, end) -> { }).handlerThread(),
            longs.subscribe(Policy.BLOCK, (t, end) -> { }).handlerThread(),
            values.subscribe(Policy.BLOCK, (t, end) -> { }).handlerThread(),
            keyed.subscribe(Policy.BLOCK, (t, end) -> { }).handlerThread());
        for (final Thread thread : threads)
        {
            assertThat(thread.isDaemon()).describedAs(thread.getName()).isTrue();
            assertThat(thread.getName()).matches("statebus-handler-\\d+");
        }
        List.<BusStatus>of(states, longs, values, keyed).forEach(BusStatus::close);
        for (final Thread thread : threads)
        {
            thread.join(10_000);
            assertThat(thread.isAlive()).describedAs(thread.getName()).isFalse();
        }
    }

    /**
     * An await's answer is a value: it equals the answer a user expects (built with its public constructor and
     * {@link Transition#of}), as the transitions it carries do, and differs from any other.
     */
    @Test
    void anAwaitsAnswerEqualsTheAnswerAUserExpects() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).build())
        {
            final PendingAwait<Connection> closing = bus.prepareAwait(CLOSING);
            bus.set(CONNECTED);
            bus.set(CLOSING);
            final Awaited<Connection> matched = closing.await(Duration.ofSeconds(5));
            final Awaited<Connection> already = bus.await(CLOSING, Duration.ZERO);
            final Awaited<Connection> timedOut = bus.await(CLOSED, Duration.ZERO);

            final Awaited<Connection> expected =
                new Awaited<>(Awaited.Outcome.MATCHED, Transition.of(2, CONNECTED, CLOSING, 0), 0);
            assertThat(matched).isEqualTo(expected).hasSameHashCodeAs(expected);
            assertThat(already)
                .isEqualTo(new Awaited<>(Awaited.Outcome.ALREADY, Transition.of(2, CONNECTED, CLOSING, 0), 0))
                .isNotEqualTo(matched);
            assertThat(timedOut).isEqualTo(new Awaited<>(Awaited.Outcome.TIMED_OUT, null, 0))
                .isNotEqualTo(new Awaited<>(Awaited.Outcome.LAPPED, null, 3));
            assertThat(matched)
                .isNotEqualTo(new Awaited<>(Awaited.Outcome.MATCHED, Transition.of(1, DISCONNECTED, CONNECTED, 0), 0));
        }
    }

    /**
     * {@code retireOn} adds final states, as {@code allow} adds transitions: {@code .retireOn(CLOSED).retireOn(
     * DISCONNECTED)} retires keys that reach either (the second call used to drop CLOSED, and keys that closed then
     * filled the table), and a bus built before a later call keeps the final states it was built with.
     */
    @Test
    void retireOnCalledTwiceRetiresKeysOnTheStatesOfBothCalls()
    {
        final KeyedStateBusBuilder<Connection> builder = KeyedStateBus.builder(Connection.class).maxKeys(2);
        try (KeyedStateBus<Connection> first = builder.retireOn(CLOSED).build();
             KeyedStateBus<Connection> both = builder.retireOn(DISCONNECTED).build())
        {
            for (long key = 0; key < 10; key++) // five times the table: each key must leave it
            {
                both.open(key, CONNECTED);
                both.set(key, key % 2 == 0 ? CLOSED : DISCONNECTED);
            }
            assertThat(both.openKeys()).isZero();
            assertThat(both.retiresOn(CLOSED)).isTrue();
            assertThat(both.retiresOn(DISCONNECTED)).isTrue();
            assertThat(both.retiresOn(CONNECTED)).isFalse();
            assertThat(first.retiresOn(CLOSED)).isTrue();
            assertThat(first.retiresOn(DISCONNECTED)).describedAs("built before the second call").isFalse();
        }
    }

    /**
     * An executor that refuses the delivery task fails the subscription (its {@code failure()} is the refusal), and
     * the default error handler's log says that the handler or the executor threw: it said "its handler threw",
     * sending the user to a handler that never ran.
     */
    @Test
    void aRefusingExecutorIsLoggedAsAHandlerOrExecutorFailure()
    {
        final Logger logger = Logger.getLogger("io.statebus"); // System.Logger's backend in the tests
        final Level before = logger.getLevel();
        final Capture capture = new Capture();
        final List<LogRecord> records = capture.records;
        logger.setLevel(Level.ALL);
        logger.setUseParentHandlers(false);
        logger.addHandler(capture);
        final RejectedExecutionException refused = new RejectedExecutionException("pool shut down");
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).build())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK, (t, end) -> { }, task ->
            {
                throw refused;
            });
            assertThat(sub.failure()).isSameAs(refused);
            assertThat(records).filteredOn(r -> r.getThrown() == refused).singleElement()
                .extracting(LogRecord::getMessage)
                .isEqualTo("a StateBus subscription failed: its handler or its executor threw");
        }
        finally
        {
            logger.removeHandler(capture);
            logger.setUseParentHandlers(true);
            logger.setLevel(before);
        }
    }

    /** Keeps what is logged. */
    private static final class Capture extends Handler
    {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public void publish(final LogRecord record)
        {
            records.add(record);
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    }

    private static void awaitQuietly(final CountDownLatch latch)
    {
        try
        {
            if (!latch.await(10, TimeUnit.SECONDS))
            {
                throw new AssertionError("the test did not close the subscription");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
