package io.statebus;

import io.statebus.agent.SubscriptionAgent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Long-valued bus, the Agrona way to consume: an agent over a {@link LongSubscription} delivers every transition,
 * stops its runner once the bus closed and all was delivered, and goes quiet when its subscription is closed; the
 * adapter refuses, with a clear error, a {@code Subscription<Long>} of a bus whose values are not a long bus's.
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

    @Test
    void anAdaptedHandlerRefusesASubscriptionOfAnotherBusOfLongsRatherThanDeliverZeros()
    {
        // a ValueStateBus<Long> and a StateBus of listed Longs hand out Subscription<Long> too, which adapt accepts
        try (ValueStateBus<Long> values = StateBus.valueBuilder(5L).capacity(2).build();
            ValueStateBus<Long> ahead = StateBus.valueBuilder(5L).capacity(2).build();
            StateBus<Long> states = StateBus.builder(5L, List.of(5L, 7L)).build())
        {
            final Subscription<Long> block = values.subscribe(Policy.BLOCK);
            final Subscription<Long> lapped = ahead.subscribe(Policy.GAP);
            final Subscription<Long> listed = states.subscribe(Policy.BLOCK);
            values.set(6L);
            for (long v = 6; v <= 9; v++)
            {
                ahead.set(v); // laps the GAP subscription: its poll starts with a gap notice
            }
            states.set(7L);
            final List<String> seen = new ArrayList<>();
            final LongTransitionHandler handler = new LongTransitionHandler()
            {
                @Override
                public void onTransition(final LongTransition t, final boolean endOfBatch)
                {
                    seen.add(t.from() + "->" + t.to());
                }

                @Override
                public void onGap(final LongGap gap)
                {
                    seen.add("gap resuming from " + gap.resumeValue());
                }
            };
            for (final Subscription<Long> sub : List.of(block, lapped, listed))
            {
                assertThatThrownBy(() -> sub.poll(LongTransitionHandler.adapt(handler), 8))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("LongStateBus");
            }
            assertThat(seen).as("nothing delivered as made-up longs").isEmpty();
        }
    }
}
