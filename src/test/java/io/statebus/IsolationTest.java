package io.statebus;

import io.statebus.agent.SubscriptionAgent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

import static io.statebus.Connection.CONNECTED;
import static io.statebus.Connection.CONNECTING;
import static io.statebus.Connection.DISCONNECTED;
import static io.statebus.TestStates.CYCLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Guarantee 8: an exception in one subscription's handler never reaches the producer or another subscription, and a
 * failed {@link Policy#BLOCK} subscription stops holding the producer back at once. Whichever way the handler runs
 * (poll, handler thread, agent), the failure is kept in {@link Subscription#failure()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IsolationTest
{
    private static final int CAPACITY = 8;
    private static final LongFunction<Connection> CYCLE_AT = TestStates::cycleAt;

    private static Connection nextFor(final StateBus<Connection> bus)
    {
        return CYCLE[(int)(bus.latestSequence() % CYCLE.length)];
    }

    /** Three rings more with a zero timeout: fails if any BLOCK subscription still gates the producer. */
    private static void publishThreeRingsWithoutWaiting(final StateBus<Connection> bus) throws InterruptedException
    {
        for (int i = 0; i < 3 * CAPACITY; i++)
        {
            assertThat(bus.trySet(nextFor(bus), 0, TimeUnit.NANOSECONDS))
                .as("transition %d after the failure went through at once", i + 1).isTrue();
        }
    }

    @Test
    void aHandlerThatThrowsInPollFailsOnlyItsSubscriptionWhichStopsGatingAtOnce() throws InterruptedException
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY).build())
        {
            final Subscription<Connection> failing = bus.subscribe(Policy.BLOCK);
            final Subscription<Connection> healthyGap = bus.subscribe(Policy.GAP);
            final ChainCheckFixture<Connection> healthy = new ChainCheckFixture<>(healthyGap, Long.MAX_VALUE, CYCLE_AT);
            for (int i = 0; i < CAPACITY; i++)
            {
                bus.set(nextFor(bus));
            }
            final IllegalStateException boom = new IllegalStateException("boom");
            assertThatThrownBy(() -> failing.poll((t, end) ->
            {
                if (t.sequence() == 2)
                {
                    throw boom;
                }
            }, 100)).isSameAs(boom);

            assertThat(failing.failure()).isSameAs(boom);
            assertThat(failing.isClosed()).isTrue();
            assertThat(bus.subscriptionCount()).isEqualTo(1);
            publishThreeRingsWithoutWaiting(bus);
            assertThatThrownBy(() -> failing.poll((t, end) -> { }, 100))
                .isInstanceOf(StateBusClosedException.class)
                .hasCause(boom);

            TestAwait.drain(healthyGap, healthy);
            assertThat(healthy.verdict()).isEqualTo("clean");
            assertThat(healthyGap.delivered() + healthyGap.missed()).isEqualTo(4 * CAPACITY);
            assertThat(healthyGap.failure()).isNull();
        }
    }

    @Test
    void aHandlerThreadThatThrowsEndsFailsItsSubscriptionAndStopsGatingAtOnce() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY).build())
        {
            final IllegalStateException boom = new IllegalStateException("boom");
            final Subscription<Connection> failing = bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                throw boom;
            });
            bus.set(nextFor(bus)); // the producer never sees the exception
            TestAwait.ended(failing.handlerThread());

            assertThat(failing.failure()).isSameAs(boom);
            assertThat(failing.isClosed()).isTrue();
            assertThat(bus.subscriptionCount()).isZero();
            publishThreeRingsWithoutWaiting(bus);
            assertThat(bus.latestSequence()).isEqualTo(1 + 3 * CAPACITY);
            assertThat(bus.producerWaits()).isZero();
        }
    }

    /**
     * The producer fills the ring at once and would wait for ever behind the handler thread; the handler throws at
     * its first transition, and the producer goes on without ever seeing the exception.
     */
    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void aProducerHeldBackByAHandlerThreadGoesOnWhenItsHandlerThrows(final ProducerMode mode) throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(2).producerMode(mode)
            .build())
        {
            final IllegalStateException boom = new IllegalStateException("boom");
            final Subscription<Connection> failing = bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                throw boom;
            });
            for (int i = 0; i < 20; i++)
            {
                bus.set(nextFor(bus)); // a ring of 2: would wait for ever if the failed subscription still gated
            }
            assertThat(bus.latestSequence()).isEqualTo(20);
            TestAwait.ended(failing.handlerThread());
            assertThat(failing.failure()).isSameAs(boom);
            assertThat(bus.subscriptionCount()).isZero();
        }
    }

    @Test
    void aThrowingHandlerThreadNeverDisturbsTheOtherSubscriptionsOrTheProducer() throws Exception
    {
        final int transitions = 20_000;
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY).build())
        {
            final Subscription<Connection> failing = bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                if (t.sequence() == 5)
                {
                    throw new IllegalStateException("boom at #5");
                }
            });
            final ChainCheckFixture<Connection> blockThread = new ChainCheckFixture<>(0, Connection.DISCONNECTED,
                transitions, CYCLE_AT);
            final Subscription<Connection> healthyThread = bus.subscribe(Policy.BLOCK, blockThread);
            final ChainCheckFixture<Connection> gapThread = new ChainCheckFixture<>(0, Connection.DISCONNECTED,
                transitions, CYCLE_AT);
            final Subscription<Connection> healthyGapThread = bus.subscribe(Policy.GAP, gapThread);
            for (int i = 0; i < transitions; i++)
            {
                // bounded: only a subscription that still gated the producer could hold it this long
                assertThat(bus.trySet(nextFor(bus), 10, TimeUnit.SECONDS)).as("#%d published", i + 1).isTrue();
            }
            assertThat(blockThread.awaitReached(20)).isTrue();
            assertThat(gapThread.awaitReached(20)).isTrue();
            TestAwait.ended(failing.handlerThread());

            assertThat(failing.failure()).hasMessage("boom at #5");
            assertThat(blockThread.verdict()).isEqualTo("clean");
            assertThat(blockThread.delivered).isEqualTo(transitions);
            assertThat(gapThread.verdict()).isEqualTo("clean");
            assertThat(healthyThread.isClosed()).isFalse();
            assertThat(healthyGapThread.isClosed()).isFalse();
            assertThat(healthyThread.failure()).isNull();
            assertThat(healthyGapThread.failure()).isNull();
        }
    }

    @Test
    void anAgentWhoseHandlerThrowsReportsItOnceToTheRunnerAndStopsGatingAtOnce() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY).build())
        {
            final Subscription<Connection> failing = bus.subscribe(Policy.BLOCK);
            final IllegalStateException boom = new IllegalStateException("boom");
            final List<Throwable> errors = new CopyOnWriteArrayList<>();
            final CountDownLatch reported = new CountDownLatch(1);
            final AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), ex ->
            {
                errors.add(ex);
                reported.countDown();
            }, null, new SubscriptionAgent<Connection>("failing", failing, (t, end) ->
            {
                throw boom;
            }, 16));
            AgentRunner.startOnThread(runner);
            try
            {
                bus.set(nextFor(bus)); // the producer never sees the exception
                assertThat(reported.await(20, TimeUnit.SECONDS)).isTrue();
                assertThat(failing.failure()).isSameAs(boom);
                publishThreeRingsWithoutWaiting(bus);
            }
            finally
            {
                runner.close();
            }
            assertThat(errors.get(0)).isSameAs(boom);
            assertThat(errors).filteredOn(ex -> ex == boom).hasSize(1);
            assertThat(bus.latestSequence()).isEqualTo(1 + 3 * CAPACITY);
        }
    }

    /**
     * A {@code CompositeAgent} drives several subscriptions on one thread (the style the agent adapter exists for).
     * One of them failing must not stop or close the other: its subscription keeps receiving every transition.
     */
    @Test
    void aFailingAgentInACompositeAgentNeverStopsTheOtherSubscriptionOnThatThread() throws Exception
    {
        final int transitions = 1_000;
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY).build())
        {
            final Subscription<Connection> failing = bus.subscribe(Policy.BLOCK);
            final Subscription<Connection> healthy = bus.subscribe(Policy.BLOCK);
            final ChainCheckFixture<Connection> check = new ChainCheckFixture<>(healthy, transitions, CYCLE_AT);
            final List<Throwable> errors = new CopyOnWriteArrayList<>();
            final AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), errors::add, null, new CompositeAgent(
                new SubscriptionAgent<Connection>("failing", failing, (t, end) ->
                {
                    throw new IllegalStateException("boom");
                }, 16),
                new SubscriptionAgent<>("healthy", healthy, check, 16)));
            AgentRunner.startOnThread(runner);
            final AtomicReference<String> producerStuck = new AtomicReference<>();
            try
            {
                for (int i = 0; i < transitions && producerStuck.get() == null; i++)
                {
                    // bounded: a healthy subscription that stopped consuming would hold the producer forever
                    if (!bus.trySet(nextFor(bus), 5, TimeUnit.SECONDS))
                    {
                        producerStuck.set("#" + (i + 1) + " timed out: " + healthy);
                    }
                }
                TestAwait.until(() -> healthy.position() == transitions || healthy.isClosed() ||
                    producerStuck.get() != null, "the healthy agent consumed everything, or was stopped");
                assertThat(failing.failure()).hasMessage("boom");
                assertThat(healthy.isClosed()).as("the healthy subscription was closed; the runner saw %s", errors)
                    .isFalse();
                assertThat(producerStuck.get()).isNull();
            }
            finally
            {
                runner.close();
            }
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(transitions);
        }
    }

    /**
     * An agent's handler whose onStart throws fails its subscription as a throwing onTransition does (the
     * TransitionHandler contract): the failure is kept, reported once to the runner, and the other agents of a
     * {@code CompositeAgent} go on.
     */
    @Test
    void anAgentWhoseOnStartThrowsFailsOnlyItsSubscriptionAndTheOtherAgentsGoOn() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY).build())
        {
            final Subscription<Connection> failing = bus.subscribe(Policy.BLOCK);
            final Subscription<Connection> healthy = bus.subscribe(Policy.GAP); // never gates: only the failed one may
            final IllegalStateException boom = new IllegalStateException("start boom");
            final List<Throwable> errors = new CopyOnWriteArrayList<>();
            final List<Long> delivered = new CopyOnWriteArrayList<>();
            final AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), errors::add, null, new CompositeAgent(
                new SubscriptionAgent<>("failing", failing, new TransitionHandler<Connection>()
                {
                    @Override
                    public void onTransition(final Transition<Connection> t, final boolean endOfBatch)
                    {
                    }

                    @Override
                    public void onStart(final Connection joinState, final long joinSequence)
                    {
                        throw boom;
                    }
                }, 16),
                new SubscriptionAgent<Connection>("healthy", healthy, (t, end) -> delivered.add(t.sequence()), 16)));
            AgentRunner.startOnThread(runner);
            try
            {
                bus.set(CONNECTING);
                TestAwait.until(() -> delivered.size() == 1 || runner.isClosed(), "the healthy agent delivered #1");
                assertThat(failing.failure()).isSameAs(boom);
                assertThat(delivered).as("the runner saw %s", errors).containsExactly(1L);
                publishThreeRingsWithoutWaiting(bus);
            }
            finally
            {
                runner.close();
            }
            assertThat(errors).containsExactly(boom);
        }
    }

    @Test
    void anAwaitAsyncWhosePredicateThrowsOnTheCurrentStateLeavesNothingSubscribed() throws InterruptedException
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY).build())
        {
            final IllegalStateException boom = new IllegalStateException("boom");
            assertThatThrownBy(() -> bus.awaitAsync(state ->
            {
                throw boom;
            }, 1, TimeUnit.SECONDS, Runnable::run)).isSameAs(boom);
            assertThat(bus.subscriptionCount()).isZero();
            publishThreeRingsWithoutWaiting(bus);
        }
    }

    @Test
    void aHandlerThreadFactoryThatFailsLeavesNothingSubscribed() throws InterruptedException
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY)
            .handlerThreadFactory(task -> null).build())
        {
            assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK, (t, end) -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("returned no thread");
            assertThat(bus.subscriptionCount()).isZero();
            publishThreeRingsWithoutWaiting(bus);
        }
        final IllegalStateException boom = new IllegalStateException("no threads today");
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY)
            .handlerThreadFactory(task ->
            {
                throw boom;
            }).build())
        {
            assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK, (t, end) -> { })).isSameAs(boom);
            assertThat(bus.subscriptionCount()).isZero();
            publishThreeRingsWithoutWaiting(bus);
        }
    }

    @Test
    void anExecutorThatThrowsFailsOnlyItsSubscriptionAndNeverReachesTheProducer() throws InterruptedException
    {
        final IllegalStateException down = new IllegalStateException("executor down");
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY).build())
        {
            final Subscription<Connection> failing = bus.subscribe(Policy.BLOCK, (t, end) -> { }, task ->
            {
                throw down;
            });
            assertThat(failing.failure()).as("the drain scheduled at registration already failed").isSameAs(down);
            assertThat(failing.isClosed()).isTrue();
            publishThreeRingsWithoutWaiting(bus); // no exception from set, no gate left
            assertThat(bus.subscriptionCount()).isZero();
        }
    }

    @Test
    void anExecutorThatThrowsAnErrorFailsOnlyItsSubscriptionAndNeverReachesTheProducer() throws InterruptedException
    {
        final AssertionError broken = new AssertionError("executor broken");
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY).build())
        {
            final java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
            final Subscription<Connection> failing = bus.subscribe(Policy.BLOCK, (t, end) -> { }, task ->
            {
                if (down.get())
                {
                    throw broken;
                }
                task.run();
            });
            down.set(true);
            publishThreeRingsWithoutWaiting(bus); // the first set meets the broken executor: no Error from set
            assertThat(failing.failure()).isInstanceOf(IllegalStateException.class).hasCause(broken);
            assertThat(bus.subscriptionCount()).isZero();
        }
    }

    /** An agent whose handler throws StateBusClosedException (a closed downstream bus) reports it to its runner. */
    @Test
    void anAgentReportsAStateBusClosedExceptionItsHandlerThrew() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(4).build();
            StateBus<Connection> downstream = StateBus.builder(DISCONNECTED).capacity(4).build())
        {
            downstream.close();
            final SubscriptionAgent<Connection> agent = new SubscriptionAgent<>(
                "forwarder", bus.subscribe(Policy.BLOCK), (t, end) -> downstream.set(t.to()), 16);
            bus.set(CONNECTING);
            final Throwable thrown = catchThrowable(agent::doWork);
            assertThat(agent.subscription().failure()).isInstanceOf(StateBusClosedException.class);
            assertThat(thrown).as("what the runner's error handler sees").isSameAs(agent.subscription().failure());
        }
    }

    /** A subscription another thread sees closed because its handler threw always reports that exception. */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSubscriptionSeenClosedByItsHandlersThrowNamesThatFailure() throws Exception
    {
        final RuntimeException boom = new IllegalStateException("boom");
        try (StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(3)).capacity(8).build())
        {
            int seen = 0;
            for (int i = 0; i < 2_000; i++)
            {
                final Subscription<Integer> sub = bus.subscribe(Policy.GAP, (t, end) ->
                {
                    throw boom;
                });
                bus.set(1 + (i & 1));
                TestAwait.until(sub::isClosed, "the subscription is closed by its handler's throw");
                final Throwable failure = sub.failure();
                assertThat(failure).as("failure() of a subscription already seen closed, iteration %d", i)
                    .isSameAs(boom);
                seen++;
                sub.handlerThread().join();
            }
            assertThat(seen).isEqualTo(2_000);
        }
    }

    /** A factory whose first thread already runs its task when handed back, so that its start() throws. */
    private static final class AlreadyStartedFirstThread implements ThreadFactory
    {
        final List<Thread> made = new ArrayList<>();
        /** The bus's wait strategy: tells when a handler thread waits for a transition. */
        final HandlerWaitFixture waits = new HandlerWaitFixture();

        @Override
        public synchronized Thread newThread(final Runnable task)
        {
            final Thread thread = new Thread(task, "handler-" + made.size());
            thread.setDaemon(true);
            if (made.isEmpty())
            {
                thread.start();
                // waiting in the bus's wait strategy for the first transition
                assertThat(waits.awaitWaitingFor(thread, 1)).as("the early thread waits").isTrue();
            }
            made.add(thread);
            return thread;
        }
    }

    /** A bus whose first handler subscription was refused because its thread's start() threw. */
    private static StateBus<Connection> busThatRefusedItsFirstHandlerThread(final AlreadyStartedFirstThread factory)
    {
        final StateBus<Connection> bus =
            StateBus.builder(DISCONNECTED).capacity(8).handlerThreadFactory(factory).waitStrategy(factory.waits)
                .build();
        assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK, (t, endOfBatch) -> { }))
            .isInstanceOf(IllegalThreadStateException.class);
        return bus;
    }

    @Test
    void aHandlerThreadWhoseStartThrowsEndsWithItsRefusedSubscription() throws Exception
    {
        final AlreadyStartedFirstThread factory = new AlreadyStartedFirstThread();
        try (StateBus<Connection> bus = busThatRefusedItsFirstHandlerThread(factory))
        {
            assertThat(bus.subscriptionCount()).isZero();
            final Thread refused = factory.made.get(0);
            refused.join(10_000);
            assertThat(refused.isAlive()).as("the refused subscription's thread ended").isFalse();
        }
    }

    @Test
    void aLaterHandlerThreadIsStillWokenAfterAStartThatThrew() throws Exception
    {
        final AlreadyStartedFirstThread factory = new AlreadyStartedFirstThread();
        try (StateBus<Connection> bus = busThatRefusedItsFirstHandlerThread(factory))
        {
            final AtomicInteger received = new AtomicInteger();
            bus.subscribe(Policy.BLOCK, (t, endOfBatch) -> received.incrementAndGet());
            final Thread handler = factory.made.get(1);
            assertThat(factory.waits.awaitWaitingFor(handler, 1)).as("the handler thread waits").isTrue();

            bus.set(CONNECTING);
            TestAwait.until(() -> received.get() == 1, "the first transition is delivered");
            factory.made.get(0).join(10_000);
            assertThat(factory.waits.awaitWaitingFor(handler, 2)).as("the handler thread waits again").isTrue();

            bus.set(CONNECTED);
            TestAwait.until(() -> received.get() == 2, "the second transition is delivered");
        }
    }
}
