package io.statebus;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.TimeUnit;

import static io.statebus.LongChainCheck.valueAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@link LongStateBus} subscription may replay from a sequence still in the ring: it joins just before it, at
 * that transition's {@code from}, and receives every transition from there, chained; a sequence no longer (or not
 * yet) in the ring is refused with the oldest one still available.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LongValuesReplayTest
{
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Policy.class, names = {"BLOCK", "GAP"})
    void aReplayJoinsAtTheFromOfItsFirstTransitionAndReceivesEveryOneAfter(final Policy policy)
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(16).build())
        {
            LongChainCheck.publish(bus, 10);
            final LongSubscription replay = bus.subscribe(policy, 5);
            assertThat(replay.joinSequence()).isEqualTo(4);
            assertThat(replay.joinValue()).isEqualTo(valueAt(4));
            LongChainCheck.publish(bus, 3);
            final LongChainCheck check = new LongChainCheck(replay, 13);
            assertThat(replay.poll(check, 100)).isEqualTo(9);
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(replay.missed()).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Policy.class, names = {"BLOCK", "GAP"})
    void aSequenceNoLongerOrNotYetInTheRingIsRefusedAndNothingStaysSubscribed(final Policy policy)
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(4).build())
        {
            LongChainCheck.publish(bus, 10);
            assertThatThrownBy(() -> bus.subscribe(policy, 2)).isInstanceOf(ReplayUnavailableException.class)
                .hasMessageContaining("8");
            assertThatThrownBy(() -> bus.subscribe(policy, 12)).isInstanceOf(ReplayUnavailableException.class);
            assertThatThrownBy(() -> bus.subscribe(policy, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(bus.subscriptionCount()).isZero();
            LongChainCheck.publish(bus, 10); // no gate left behind: a ring of 4 takes 10 more
            assertThat(bus.latestSequence()).isEqualTo(20);
        }
    }
}
