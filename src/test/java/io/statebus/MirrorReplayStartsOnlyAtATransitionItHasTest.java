package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A replay of a mirror's bus starts at a transition the mirror has: from before a loss it reports the loss as one
 * gap; from inside it, it is refused with an error that says the mirror never received that sequence (not that it
 * is older than the oldest still in the ring, which it is not).
 */
@Timeout(60)
final class MirrorReplayStartsOnlyAtATransitionItHasTest
{
    private static final List<Integer> STATES = TestStates.integers(16);

    @Test
    void aReplayFromInsideALossIsRefusedSayingSo()
    {
        try (Mirror<Integer> mirror = StateBus.builder(0, STATES).capacity(16).buildMirror(0, 0, 0))
        {
            mirror.append(1, 0, 1, 10);
            mirror.append(2, 1, 2, 20);
            mirror.append(6, 5, 6, 60); // 3..5 never arrived
            final Subscription<Integer> before = mirror.bus().subscribe(Policy.GAP, 2);
            final Recorder<Integer> got = new Recorder<>();
            TestAwait.drain(before, got);
            assertThat(got.transitions).extracting(Transition::sequence).containsExactly(2L, 6L);
            assertThat(got.gaps).containsExactly("3..5->5");
            for (final Policy policy : List.of(Policy.GAP, Policy.BLOCK))
            {
                for (long from = 3; from <= 5; from++)
                {
                    final long start = from;
                    assertThatThrownBy(() -> mirror.bus().subscribe(policy, start))
                        .isInstanceOf(ReplayUnavailableException.class)
                        .hasMessageContaining("cannot replay from sequence " + start)
                        .hasMessageContaining("never received");
                }
            }
            assertThat(mirror.bus().subscriptionCount()).isEqualTo(1);
            assertThat(mirror.bus().subscribe(Policy.BLOCK, 6).joinSequence()).isEqualTo(5);
        }
    }
}
