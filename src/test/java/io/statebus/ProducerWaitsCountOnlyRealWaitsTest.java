package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BusStatus#producerWaits()} counts the times a producer found the ring full (a {@link Policy#BLOCK}
 * subscription a whole ring behind) and had to wait: nothing else. A mirror that records a loss of more than a ring
 * when no BLOCK subscription holds the ring never waited, so it counts no wait.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
final class ProducerWaitsCountOnlyRealWaitsTest
{
    private static final List<Integer> STATES = TestStates.integers(16);

    @Test
    void aMirrorsLossOfMoreThanARingIsNoProducerWaitWhenNothingHoldsItBack()
    {
        try (Mirror<Integer> mirror = StateBus.builder(0, STATES).capacity(8).buildMirror(0, 0, 0);
             LongMirror longMirror = StateBus.longBuilder(0).capacity(8).buildMirror(0, 0, 0))
        {
            final Subscription<Integer> gap = mirror.bus().subscribe(Policy.GAP);
            mirror.append(1, 0, 1, 10);
            mirror.append(100, 3, 4, 20); // 2..99 lost: more than a ring
            mirror.append(1_000, 5, 6, 30); // 101..999 lost
            longMirror.append(1, 0, 1, 10);
            longMirror.append(500, 7, 8, 20); // 2..499 lost, and no subscription at all

            assertThat(mirror.bus().latestSequence()).isEqualTo(1_000);
            assertThat(mirror.lost()).isEqualTo(98 + 899);
            assertThat(mirror.bus().producerWaits()).as("a GAP subscription never holds the producer").isZero();
            assertThat(longMirror.bus().producerWaits()).as("nothing to wait for").isZero();
            assertThat(gap.position()).isZero(); // never polled, and the mirror never waited for it
        }
    }
}
