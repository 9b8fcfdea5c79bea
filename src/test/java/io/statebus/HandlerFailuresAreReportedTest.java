package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.statebus.Connection.CLOSED;
import static io.statebus.Connection.CLOSING;
import static io.statebus.Connection.CONNECTED;
import static io.statebus.Connection.CONNECTING;
import static io.statebus.Connection.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Errors go somewhere: a handler's failure on a handler thread or an executor reaches the builder's error handler
 * (and still ends only its subscription); handlers learn their join point before the first transition and are
 * told when they stop.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HandlerFailuresAreReportedTest
{
    private static final class Boom extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        Boom(final String message)
        {
            super(message);
        }
    }

    @Test
    void aHandlerThreadsFailureReachesTheErrorHandlerAndEndsOnlyItsSubscription() throws Exception
    {
        final List<Throwable> reported = new CopyOnWriteArrayList<>();
        final CountDownLatch told = new CountDownLatch(1);
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8)
            .errorHandler(ex -> { reported.add(ex); told.countDown(); }).build())
        {
            final Boom boom = new Boom("handler thread");
            final Subscription<Connection> failing = bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                if (t.to() == CONNECTED)
                {
                    throw boom;
                }
            });
            final Subscription<Connection> healthy = bus.subscribe(Policy.BLOCK);
            bus.set(CONNECTING);
            bus.set(CONNECTED);
            assertThat(told.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(reported).containsExactly(boom);
            assertThat(failing.failure()).isSameAs(boom);
            bus.set(CLOSING); // the producer goes on
            final List<Long> seen = new CopyOnWriteArrayList<>();
            TestAwait.drain(healthy, (t, end) -> seen.add(t.sequence()));
            assertThat(seen).containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void anExecutorHandlersFailureReachesTheErrorHandler() throws Exception
    {
        final List<Throwable> reported = new CopyOnWriteArrayList<>();
        final CountDownLatch told = new CountDownLatch(1);
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8)
            .errorHandler(ex -> { reported.add(ex); told.countDown(); }).build())
        {
            final Boom boom = new Boom("executor");
            final Subscription<Connection> failing = bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                throw boom;
            }, pool);
            bus.set(CONNECTING);
            assertThat(told.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(reported).containsExactly(boom);
            assertThat(failing.failure()).isSameAs(boom);
            assertThat(bus.subscriptionCount()).isZero();
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    @Test
    void aClosedOrDrainedSubscriptionIsNotReportedAsAFailure() throws Exception
    {
        final List<Throwable> reported = new CopyOnWriteArrayList<>();
        final CountDownLatch stopped = new CountDownLatch(2);
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).errorHandler(reported::add).build();
        final TransitionHandler<Connection> quiet = new TransitionHandler<>()
        {
            @Override
            public void onTransition(final Transition<Connection> t, final boolean end)
            {
            }

            @Override
            public void onStop()
            {
                stopped.countDown();
            }
        };
        final Subscription<Connection> closedByUser = bus.subscribe(Policy.BLOCK, quiet, Runnable::run);
        bus.subscribe(Policy.GAP, quiet);
        bus.set(CONNECTING);
        closedByUser.close();
        bus.close();
        assertThat(stopped.await(10, TimeUnit.SECONDS)).as("both handlers were told they stopped").isTrue();
        assertThat(reported).isEmpty();
    }

    /** An onStop that throws is a handler's failure too: on an executor, as on a handler thread, it is reported. */
    @Test
    void anOnStopThatThrowsReachesTheErrorHandlerOnAnExecutorAsOnAHandlerThread() throws Exception
    {
        final List<Throwable> reported = new CopyOnWriteArrayList<>();
        final Boom onExecutor = new Boom("executor's onStop");
        final Boom onThread = new Boom("handler thread's onStop");
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).errorHandler(reported::add).build())
        {
            final Subscription<Connection> executed = bus.subscribe(Policy.BLOCK, stopThrowing(onExecutor), pool);
            final Subscription<Connection> threaded = bus.subscribe(Policy.BLOCK, stopThrowing(onThread));
            bus.set(CONNECTING);
            executed.close();
            threaded.close();
            threaded.handlerThread().join();
        }
        finally
        {
            pool.shutdown();
        }
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue(); // the last task, onStop's, has run
        assertThat(reported).containsExactlyInAnyOrder(onExecutor, onThread);
    }

    private static TransitionHandler<Connection> stopThrowing(final Boom boom)
    {
        return new TransitionHandler<>()
        {
            @Override
            public void onTransition(final Transition<Connection> t, final boolean end)
            {
            }

            @Override
            public void onStop()
            {
                throw boom;
            }
        };
    }

    /** With no error handler set, a failure is logged at ERROR through System.Logger "io.statebus". */
    @Test
    void theDefaultErrorHandlerLogsTheFailure() throws Exception
    {
        final java.util.logging.Logger logger = java.util.logging.Logger.getLogger("io.statebus");
        final java.util.logging.Level before = logger.getLevel();
        final List<java.util.logging.LogRecord> records = new CopyOnWriteArrayList<>();
        final CountDownLatch logged = new CountDownLatch(1);
        final java.util.logging.Handler capture = new java.util.logging.Handler()
        {
            @Override
            public void publish(final java.util.logging.LogRecord record)
            {
                records.add(record);
                logged.countDown();
            }

            @Override
            public void flush()
            {
            }

            @Override
            public void close()
            {
            }
        };
        logger.setLevel(java.util.logging.Level.ALL);
        logger.setUseParentHandlers(false);
        logger.addHandler(capture);
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            final Boom boom = new Boom("logged");
            bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                throw boom;
            });
            bus.set(CONNECTING);
            assertThat(logged.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(records.get(0).getLevel()).isEqualTo(java.util.logging.Level.SEVERE);
            assertThat(records.get(0).getThrown()).isSameAs(boom);
        }
        finally
        {
            logger.removeHandler(capture);
            logger.setUseParentHandlers(true);
            logger.setLevel(before);
        }
    }

    /** The join point reaches the handler before its first transition, which starts from that state. */
    @Test
    void onStartReceivesTheJoinStateAndSequenceBeforeTheFirstTransition() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            bus.set(CONNECTING);
            bus.set(CONNECTED);
            final List<String> handlerThread = new CopyOnWriteArrayList<>();
            final List<String> sameThreadExecutor = new CopyOnWriteArrayList<>();
            final CountDownLatch done = new CountDownLatch(1);
            bus.subscribe(Policy.BLOCK, recorder(handlerThread, done));
            bus.subscribe(Policy.BLOCK, recorder(sameThreadExecutor, new CountDownLatch(1)), Runnable::run);
            assertThat(sameThreadExecutor).as("the start comes inside subscribe, before anything is published")
                .containsExactly("start CONNECTED #2");
            bus.set(CLOSING);
            bus.set(CLOSED);
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(handlerThread).containsExactly("start CONNECTED #2", "#3 CONNECTED->CLOSING", "#4 CLOSING->CLOSED");
            // inside the sets, or on the JDK's delay thread if the registration check met one (a many-producer bus)
            TestAwait.until(() -> sameThreadExecutor.size() == 3, "the same-thread executor delivered both");
            assertThat(sameThreadExecutor)
                .containsExactly("start CONNECTED #2", "#3 CONNECTED->CLOSING", "#4 CLOSING->CLOSED");
        }
    }

    @Test
    void anOnStartThatThrowsFailsTheSubscriptionAsATransitionWould() throws Exception
    {
        final List<Throwable> reported = new CopyOnWriteArrayList<>();
        final CountDownLatch told = new CountDownLatch(1);
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8)
            .errorHandler(ex -> { reported.add(ex); told.countDown(); }).build())
        {
            final Boom boom = new Boom("start");
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK, new TransitionHandler<>()
            {
                @Override
                public void onTransition(final Transition<Connection> t, final boolean end)
                {
                }

                @Override
                public void onStart(final Connection joinState, final long joinSequence)
                {
                    throw boom;
                }
            });
            assertThat(told.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(sub.failure()).isSameAs(boom);
            assertThat(reported).containsExactly(boom);
            TestAwait.until(() -> bus.subscriptionCount() == 0, "the failed subscription stopped gating");
        }
    }

    private static TransitionHandler<Connection> recorder(final List<String> events, final CountDownLatch done)
    {
        return new TransitionHandler<>()
        {
            @Override
            public void onStart(final Connection joinState, final long joinSequence)
            {
                events.add("start " + joinState + " #" + joinSequence);
            }

            @Override
            public void onTransition(final Transition<Connection> t, final boolean end)
            {
                events.add("#" + t.sequence() + " " + t.from() + "->" + t.to());
                if (t.to() == CLOSED)
                {
                    done.countDown();
                }
            }
        };
    }
}
