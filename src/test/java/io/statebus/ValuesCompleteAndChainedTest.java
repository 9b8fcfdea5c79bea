package io.statebus;

import com.lmax.disruptor.BlockingWaitStrategy;
import io.statebus.agent.SubscriptionAgent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantees 1–3 for a {@link ValueStateBus}: every {@link Policy#BLOCK} subscription, whichever way it is consumed
 * (poll, handler thread, executor, Agrona agent, replay), receives every transition once, in order, chained by
 * identity ({@code next.from() == prev.to()}), while one or two producers publish through a ring far smaller than
 * the run. The ring is 16 slots, so the producers wait on the slowest consumer thousands of times; a lost, repeated
 * or reordered transition, or a {@code from} that is not the object the previous {@code to} was, fails the check.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ValuesCompleteAndChainedTest
{
    private static final int TRANSITIONS = 100_000;

    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void everyWayToConsumeReceivesEveryTransitionInOrder(final ProducerMode mode) throws Exception
    {
        final ExecutorService executor = Executors.newSingleThreadExecutor();
        try (ValueStateBus<Tick> bus = StateBus.valueBuilder(new Tick(0)).capacity(16).producerMode(mode)
            .waitStrategy(new BlockingWaitStrategy()).build())
        {
            final Subscription<Tick> polled = bus.subscribe(Policy.BLOCK);
            final Subscription<Tick> forAgent = bus.subscribe(Policy.BLOCK);
            final ValueChainCheck polledCheck = new ValueChainCheck(polled, mode == ProducerMode.SINGLE);
            final ValueChainCheck agentCheck = new ValueChainCheck(forAgent, mode == ProducerMode.SINGLE);
            final ValueChainCheck threadCheck = new ValueChainCheck(polled, mode == ProducerMode.SINGLE);
            final ValueChainCheck executorCheck = new ValueChainCheck(polled, mode == ProducerMode.SINGLE);
            final Subscription<Tick> onThread = bus.subscribe(Policy.BLOCK, threadCheck);
            final Subscription<Tick> onExecutor = bus.subscribe(Policy.BLOCK, executorCheck, executor);
            final SubscriptionAgent<Tick> agent = new SubscriptionAgent<>("ticks", forAgent, agentCheck, 64);
            try (AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), ex -> { }, null, agent))
            {
                AgentRunner.startOnThread(runner);
                final List<Thread> producers = startProducers(bus, mode);
                // the test thread polls with backoff: with the producer(s), at most two threads ever spin
                final BackoffIdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, 100_000);
                while (polled.position() < TRANSITIONS)
                {
                    idle.idle(polled.poll(polledCheck, 256));
                }
                for (final Thread producer : producers)
                {
                    TestAwait.ended(producer);
                }
                TestAwait.until(() -> agentCheck.position == TRANSITIONS && threadCheck.position == TRANSITIONS &&
                    executorCheck.position == TRANSITIONS, "every consumer at the last transition");
            }
            for (final ValueChainCheck check : List.of(polledCheck, agentCheck, threadCheck, executorCheck))
            {
                assertThat(check.verdict()).isEqualTo("clean");
                assertThat(check.delivered).isEqualTo(TRANSITIONS);
                assertThat(check.notices).isZero();
            }
            assertThat(onThread.missed() + onExecutor.missed() + polled.missed() + forAgent.missed()).isZero();
            assertThat(bus.producerWaits()).isPositive();
            assertThat(bus.get()).isSameAs(polledCheck.previousTo);
        }
        finally
        {
            executor.shutdown();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** One producer setting Tick(1..N), or two setting distinct ticks (odd and even), N in all. */
    private static List<Thread> startProducers(final ValueStateBus<Tick> bus, final ProducerMode mode)
    {
        final List<Thread> producers = new ArrayList<>();
        if (mode == ProducerMode.SINGLE)
        {
            producers.add(new Thread(() ->
            {
                for (long s = 1; s <= TRANSITIONS; s++)
                {
                    bus.set(new Tick(s));
                }
            }, "producer"));
        }
        else
        {
            for (int p = 0; p < 2; p++)
            {
                final int parity = p;
                producers.add(new Thread(() ->
                {
                    for (long i = 0; i < TRANSITIONS / 2; i++)
                    {
                        bus.set(new Tick(-(2 * i + parity + 1))); // distinct, never equal to the current value
                    }
                }, "producer-" + p));
            }
        }
        producers.forEach(Thread::start);
        return producers;
    }

    @Test
    void aReplayStartsAtTheAskedSequenceWithItsFromValue()
    {
        try (ValueStateBus<Tick> bus = StateBus.valueBuilder(new Tick(0)).capacity(8).build())
        {
            for (long s = 1; s <= 20; s++)
            {
                bus.set(new Tick(s));
            }
            final Subscription<Tick> replay = bus.subscribe(Policy.BLOCK, 14);
            assertThat(replay.joinSequence()).isEqualTo(13);
            assertThat(replay.joinState()).isEqualTo(new Tick(13));
            final ValueChainCheck check = new ValueChainCheck(replay, true);
            bus.set(new Tick(21));
            TestAwait.drain(replay, check);
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(8); // 14..21
            assertThat(check.position).isEqualTo(21);
        }
    }
}
