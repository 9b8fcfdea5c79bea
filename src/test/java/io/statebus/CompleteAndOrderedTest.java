package io.statebus;

import io.statebus.agent.SubscriptionAgent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.statebus.TestStates.CYCLE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 1: a {@link Policy#BLOCK} subscription receives every transition after its join point exactly once, in
 * sequence order, whichever way it is consumed. Every test publishes {@link TestStates#CYCLE} in order, so the
 * {@code to} of each sequence is known; the ring capacities are powers of two and the cycle has 5 states, so a slot
 * overwritten before it was read would carry the wrong state and fail the check.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CompleteAndOrderedTest
{
    private static final int TRANSITIONS = 300_000;

    private static void publish(final StateBus<Connection> bus, final long count)
    {
        for (long i = 0; i < count; i++)
        {
            bus.set(CYCLE[(int)(bus.latestSequence() % CYCLE.length)]);
        }
    }

    @Test
    void pollReceivesEveryTransitionOnceInOrderWhileTheProducerIsHeldExactlyOneRingAhead()
        throws InterruptedException
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(8).build())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            final ChainCheckFixture<Connection> check =
                new ChainCheckFixture<>(sub, Long.MAX_VALUE, TestStates::cycleAt);
            for (int round = 0; round < 5_000; round++)
            {
                // bounded: a producer not held back would run on; the assertion below then fails
                for (int attempt = 0; attempt <= 8; attempt++)
                {
                    final Connection next = CYCLE[(int)(bus.latestSequence() % CYCLE.length)];
                    if (!bus.trySet(next, 0, TimeUnit.NANOSECONDS))
                    {
                        break;
                    }
                }
                // the ring is full: the producer got exactly one ring ahead of what the subscription consumed
                assertThat(bus.latestSequence() - sub.position()).isEqualTo(8);
                sub.poll(check, 1 + round % 11);
            }
            TestAwait.drain(sub, check);
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(bus.latestSequence());
            assertThat(sub.delivered()).isEqualTo(bus.latestSequence());
            assertThat(sub.missed()).isZero();
            assertThat(sub.gaps()).isZero();
        }
    }

    @Test
    void pollOnAnotherThreadReceivesEveryTransitionAfterTheJoinPointOnceInOrder() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(16).build())
        {
            final AtomicReference<Throwable> producerFailure = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    publish(bus, 100);
                    publish(bus, TRANSITIONS);
                }
                catch (final Throwable ex)
                {
                    producerFailure.set(ex);
                }
            }, "producer");
            // join mid-stream: the first 100 transitions are before the join point and must not be delivered
            producer.start();
            TestAwait.until(() -> bus.latestSequence() >= 100 || !producer.isAlive(), "100 transitions published");
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            final long joinedAt = sub.joinSequence();
            final ChainCheckFixture<Connection> check =
                new ChainCheckFixture<>(sub, TRANSITIONS + 100, TestStates::cycleAt);
            final IdleStrategy idle = new BackoffIdleStrategy();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (sub.position() < TRANSITIONS + 100 && System.nanoTime() - deadline < 0)
            {
                idle.idle(sub.poll(check, 10));
            }
            TestAwait.ended(producer);

            assertThat(producerFailure.get()).isNull();
            assertThat(joinedAt).isGreaterThanOrEqualTo(100);
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(TRANSITIONS + 100 - joinedAt);
            assertThat(sub.delivered()).isEqualTo(TRANSITIONS + 100 - joinedAt);
        }
    }

    @Test
    void aHandlerThreadReceivesEveryTransitionOnceInOrderAndTheLastOneEndsABatch() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(16).build())
        {
            final ChainCheckFixture<Connection> check =
                new ChainCheckFixture<>(0, Connection.DISCONNECTED, TRANSITIONS, TestStates::cycleAt);
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK, check);
            publish(bus, TRANSITIONS);

            assertThat(check.awaitReached(40)).as("handler thread reached the last transition").isTrue();
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(TRANSITIONS);
            // nothing was published after the last one, so it ended its batch
            assertThat(check.lastEndOfBatch).isTrue();
            TestAwait.until(() -> sub.delivered() == TRANSITIONS, "the delivered counter caught up");
            assertThat(sub.missed()).isZero();
        }
    }

    @Test
    void aSubscriptionAgentInAnAgentRunnerReceivesEveryTransitionOnceInOrder() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(16).build())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            final ChainCheckFixture<Connection> check =
                new ChainCheckFixture<>(sub, TRANSITIONS, TestStates::cycleAt);
            final List<Throwable> errors = new CopyOnWriteArrayList<>();
            final AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), errors::add, null,
                new SubscriptionAgent<>("complete-and-ordered", sub, check, 7));
            AgentRunner.startOnThread(runner);
            try
            {
                publish(bus, TRANSITIONS);
                assertThat(check.awaitReached(40)).as("agent reached the last transition").isTrue();
            }
            finally
            {
                runner.close();
            }
            assertThat(errors).isEmpty();
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(TRANSITIONS);
            assertThat(sub.delivered()).isEqualTo(TRANSITIONS);
            // closing the agent closed its subscription
            assertThat(sub.isClosed()).isTrue();
        }
    }

    @Test
    void twoSubscriptionAgentsInOneCompositeAgentOnOneThreadEachReceiveEveryTransitionOnceInOrder() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(16).build())
        {
            publish(bus, 3);
            final Subscription<Connection> early = bus.subscribe(Policy.BLOCK);
            publish(bus, 5);
            final Subscription<Connection> late = bus.subscribe(Policy.BLOCK);
            final ChainCheckFixture<Connection> earlyCheck =
                new ChainCheckFixture<>(early, TRANSITIONS + 8, TestStates::cycleAt);
            final ChainCheckFixture<Connection> lateCheck =
                new ChainCheckFixture<>(late, TRANSITIONS + 8, TestStates::cycleAt);
            final List<Throwable> errors = new CopyOnWriteArrayList<>();
            final AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), errors::add, null,
                new CompositeAgent(
                    new SubscriptionAgent<>("early", early, earlyCheck, 5),
                    new SubscriptionAgent<>("late", late, lateCheck, 3)));
            AgentRunner.startOnThread(runner);
            try
            {
                publish(bus, TRANSITIONS);
                assertThat(earlyCheck.awaitReached(40)).as("early agent reached the last transition").isTrue();
                assertThat(lateCheck.awaitReached(40)).as("late agent reached the last transition").isTrue();
            }
            finally
            {
                runner.close();
            }
            assertThat(errors).isEmpty();
            assertThat(earlyCheck.verdict()).isEqualTo("clean");
            assertThat(lateCheck.verdict()).isEqualTo("clean");
            assertThat(early.joinSequence()).isEqualTo(3);
            assertThat(late.joinSequence()).isEqualTo(8);
            assertThat(earlyCheck.delivered).isEqualTo(TRANSITIONS + 5);
            assertThat(lateCheck.delivered).isEqualTo(TRANSITIONS);
        }
    }
}
