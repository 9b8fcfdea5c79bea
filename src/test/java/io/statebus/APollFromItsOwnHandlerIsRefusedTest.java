package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One subscription, one consumer, one poll at a time: a poll called from inside a handler of the same
 * subscription's poll is refused with a clear {@link IllegalStateException} and consumes nothing. The batch being
 * delivered is not consumed until the handler returns, so such a poll would deliver it a second time: every
 * transition twice, {@code delivered} above what was published (guarantees 1 and 5).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class APollFromItsOwnHandlerIsRefusedTest
{
    private static final String REFUSED = "poll called from inside this subscription's own handler: the batch " +
        "being delivered is not consumed yet; return from the handler and poll again";

    private static StateBus<Integer> busAt(final int latest)
    {
        final StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(7)).capacity(8).build();
        for (int s = 1; s <= latest; s++)
        {
            bus.set(s % 7);
        }
        return bus;
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void aPollFromTheHandlerIsRefusedAndTheOuterPollDeliversEachTransitionOnce(final Policy policy)
    {
        try (StateBus<Integer> bus = busAt(0))
        {
            final Subscription<Integer> sub = bus.subscribe(policy);
            bus.set(1);
            bus.set(2);
            bus.set(3);
            final List<Long> outer = new ArrayList<>();
            final List<Long> inner = new ArrayList<>();
            final List<Throwable> refusals = new ArrayList<>();
            final int delivered = sub.poll((t, end) ->
            {
                outer.add(t.sequence());
                try
                {
                    sub.poll((u, innerEnd) -> inner.add(u.sequence()), 10);
                }
                catch (final IllegalStateException ex)
                {
                    refusals.add(ex);
                }
            }, 10);
            assertThat(inner).as("delivered again by the inner poll").isEmpty();
            assertThat(outer).containsExactly(1L, 2L, 3L);
            assertThat(delivered).isEqualTo(3);
            assertThat(refusals).hasSize(3).allSatisfy(ex -> assertThat(ex).hasMessage(REFUSED));
            assertThat(sub.delivered()).isEqualTo(3);
            assertThat(sub.delivered() + sub.missed()).isEqualTo(bus.latestSequence());
            assertThat(sub.position()).isEqualTo(3);
            assertThat(sub.isClosed()).isFalse();
            bus.set(4);
            assertThat(sub.poll((t, end) -> outer.add(t.sequence()), 10)).as("polled again, outside").isEqualTo(1);
            assertThat(outer).containsExactly(1L, 2L, 3L, 4L);
        }
    }

    /** Not caught, the refusal is what the handler threw: it fails the subscription, as any handler failure. */
    @Test
    void aRefusalTheHandlerDoesNotCatchFailsTheSubscriptionWithThatCause()
    {
        try (StateBus<Integer> bus = busAt(0))
        {
            final Subscription<Integer> sub = bus.subscribe(Policy.GAP);
            bus.set(1);
            bus.set(2);
            final List<Long> seen = new ArrayList<>();
            assertThatThrownBy(() -> sub.poll((t, end) ->
            {
                seen.add(t.sequence());
                sub.poll((u, innerEnd) -> seen.add(-u.sequence()), 10);
            }, 10)).isExactlyInstanceOf(IllegalStateException.class).hasMessage(REFUSED);
            assertThat(seen).containsExactly(1L);
            assertThat(sub.failure()).hasMessage(REFUSED);
            assertThat(sub.delivered()).as("the transition whose handler threw counts as delivered").isEqualTo(1);
            assertThat(sub.position()).isEqualTo(1);
            assertThatThrownBy(() -> sub.poll((t, end) -> seen.add(t.sequence()), 10))
                .isInstanceOf(StateBusClosedException.class);
        }
    }

    /** A long subscription's poll with another handler, from inside its handler: refused before it swaps handlers. */
    @Test
    void aLongSubscriptionsHandlerIsNotReplacedMidPollByAPollFromInsideIt()
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(8).build())
        {
            final LongSubscription sub = bus.subscribe(Policy.BLOCK);
            bus.set(10);
            bus.set(20);
            bus.set(30);
            final List<Long> outer = new ArrayList<>();
            final List<Long> inner = new ArrayList<>();
            final List<Throwable> refusals = new ArrayList<>();
            sub.poll((t, end) ->
            {
                outer.add(t.to());
                try
                {
                    sub.poll((u, innerEnd) -> inner.add(u.to()), 10);
                }
                catch (final IllegalStateException ex)
                {
                    refusals.add(ex);
                }
            }, 10);
            assertThat(inner).isEmpty();
            assertThat(outer).containsExactly(10L, 20L, 30L);
            assertThat(refusals).hasSize(3).allSatisfy(ex -> assertThat(ex).hasMessage(REFUSED));
            assertThat(sub.subscription().delivered()).isEqualTo(3);
        }
    }
}
