package io.statebus;

import io.statebus.agent.SubscriptionAgent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Long-valued bus, the Agrona way to consume: an agent over a {@link LongSubscription} delivers every transition,
 * stops its runner once the bus closed and all was delivered, and goes quiet when its subscription is closed.
 */
@Timeout(30)
final class LongValuesAgentTest
{
    @Test
    void anAgentDeliversALongSubscriptionOnItsRunnersThread()
    {
        try (LongStateBus bid = StateBus.longBuilder(10_000).build())
        {
            final LongSubscription quotes = bid.subscribe(Policy.BLOCK);
            final List<String> seen = new CopyOnWriteArrayList<>();
            final SubscriptionAgent<Long> agent = new SubscriptionAgent<>("quotes", quotes.subscription(),
                LongTransitionHandler.adapt((t, end) -> seen.add(t.from() + "->" + t.to())), 64);
            try (AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), ex -> { }, null, agent))
            {
                AgentRunner.startOnThread(runner);
                bid.set(10_005);
                bid.set(10_010);
                TestAwait.until(() -> seen.size() == 2, "the agent delivered both");
            }
            assertThat(seen).containsExactly("10000->10005", "10005->10010");
        }
    }

    @Test
    void whenTheBusClosesTheAgentDeliversWhatWasPublishedThenAsksItsRunnerToStop()
    {
        final LongStateBus bid = StateBus.longBuilder(10_000).build();
        final List<String> seen = new CopyOnWriteArrayList<>();
        final SubscriptionAgent<Long> agent = new SubscriptionAgent<>("quotes", bid.subscribe(Policy.BLOCK)
            .subscription(), LongTransitionHandler.adapt((t, end) -> seen.add(t.from() + "->" + t.to())), 64);
        bid.set(10_005);
        bid.close();
        assertThat(agent.doWork()).isEqualTo(1);
        assertThatThrownBy(agent::doWork).isInstanceOf(AgentTerminationException.class);
        assertThat(seen).containsExactly("10000->10005");
    }

    @Test
    void aSubscriptionClosedByItsOwnerLeavesTheAgentQuietWithoutStoppingItsRunner()
    {
        try (LongStateBus bid = StateBus.longBuilder(10_000).build())
        {
            final LongSubscription quotes = bid.subscribe(Policy.BLOCK);
            final SubscriptionAgent<Long> agent = new SubscriptionAgent<>("quotes", quotes.subscription(),
                LongTransitionHandler.adapt((t, end) -> { }), 64);
            quotes.close();
            assertThat(agent.doWork()).isZero();
            assertThat(agent.doWork()).isZero();
        }
    }
}
