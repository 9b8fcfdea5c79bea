package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Guarantee 7 on a mirror's bus: an await of the default {@code BLOCK} policy is never lapped, but transitions its
 * mirror never received may have matched; it says so ({@code LAPPED}, its future a {@link LappedException}) with
 * the exact count, as a lapped {@code GAP} await does, never a timeout or a later match.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AnAwaitOfAMirrorThatLosesTransitionsSaysItCannotTellTest
{
    private static final List<Integer> STATES = TestStates.integers(8);

    @Test
    void aBlockAwaitAndAFutureOfAMirrorThatLosesTransitionsSayTheyCannotTell() throws Exception
    {
        try (Mirror<Integer> mirror = StateBus.builder(0, STATES).capacity(8).buildMirror(0, 0, 0))
        {
            final PendingAwait<Integer> five = mirror.bus().prepareAwait(5);
            final CompletableFuture<Transition<Integer>> future =
                mirror.bus().awaitAsync(s -> s == 5, Duration.ofSeconds(20), Runnable::run);
            mirror.append(1, 0, 1, 10);
            mirror.append(4, 3, 5, 40); // 2..3 lost: either may have been 5; the 5 after them is not the first
            final Awaited<Integer> answer = five.await(Duration.ofSeconds(20));
            assertThat(answer.outcome()).isEqualTo(Awaited.Outcome.LAPPED);
            assertThat(answer.missed()).isEqualTo(2);
            assertThat(catchThrowable(() -> future.get(20, TimeUnit.SECONDS)).getCause())
                .isInstanceOf(LappedException.class);
            assertThat(mirror.bus().subscriptionCount()).isZero();
        }
    }
}
