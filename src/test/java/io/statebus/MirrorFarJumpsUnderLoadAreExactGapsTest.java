package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stress for {@link MirrorLossOfAnySizeIsOneExactGapTest}: one thread appends with frequent jumps of 2^37 (each
 * within the slot tag's reach, together far past it) and small losses, while a BLOCK handler thread and a GAP poller
 * consume; each accounts for every sequence exactly once, delivered with the source's states or inside one gap.
 */
@Timeout(60)
final class MirrorFarJumpsUnderLoadAreExactGapsTest
{
    private static final List<Integer> STATES = TestStates.integers(16);
    private static final int CAPACITY = 16;

    /** Checks each transition against the source's formula, and that each gap starts where the last one ended. */
    private static final class Accounting implements TransitionHandler<Integer>
    {
        final List<String> wrong = new ArrayList<>();
        long next = 1;
        long delivered;
        long missed;

        @Override
        public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
        {
            if (t.sequence() != next || t.to() != (int)(t.sequence() % 16) || t.timestampNanos() != t.sequence() * 3)
            {
                wrong.add("#" + t.sequence() + " ->" + t.to() + " expected #" + next);
            }
            delivered++;
            next = t.sequence() + 1;
        }

        @Override
        public void onGap(final Gap<Integer> gap)
        {
            if (gap.firstMissed() != next)
            {
                wrong.add("gap " + gap.firstMissed() + ".." + gap.lastMissed() + " expected from " + next);
            }
            missed += gap.missed();
            next = gap.lastMissed() + 1;
        }
    }

    @Test
    void everySequenceIsDeliveredOrInOneGapExactlyOnce() throws Exception
    {
        try (Mirror<Integer> mirror = StateBus.builder(0, STATES).capacity(CAPACITY).buildMirror(0, 0, 0))
        {
            final Accounting blockSeen = new Accounting();
            final Subscription<Integer> block = mirror.bus().subscribe(Policy.BLOCK, blockSeen);
            final Subscription<Integer> gap = mirror.bus().subscribe(Policy.GAP);
            final long[] last = new long[1]; // written by the feeder, read after it ended
            final Thread feeder = new Thread(() ->
            {
                final SplittableRandom random = new SplittableRandom(3);
                long n = 1;
                for (int i = 0; i < 50_000; i++)
                {
                    final int dice = random.nextInt(100);
                    final long far = (1L << 37) + random.nextInt(3 * CAPACITY);
                    n += dice < 2 ? far : dice < 5 ? 1 + random.nextInt(CAPACITY) : 0;
                    mirror.append(n, (int)((n - 1) % 16), (int)(n % 16), n * 3);
                    last[0] = n++;
                }
            }, "feeder");
            feeder.start();
            final Accounting gapSeen = new Accounting();
            TestAwait.until(() ->
            {
                gap.poll(gapSeen, 256);
                return !feeder.isAlive() && gap.lag() == 0;
            }, "the feeder ended and the GAP subscription consumed everything");
            TestAwait.ended(feeder);
            TestAwait.until(() -> block.position() == last[0], "the handler thread consumed everything");
            block.close();
            for (final Accounting seen : List.of(blockSeen, gapSeen))
            {
                assertThat(seen.wrong).isEmpty();
                assertThat(seen.next).isEqualTo(last[0] + 1);
                assertThat(seen.delivered + seen.missed).isEqualTo(last[0]);
            }
            assertThat(blockSeen.missed).isEqualTo(mirror.lost());
            assertThat(last[0]).as("far past the tag's reach").isGreaterThan(1L << 40);
        }
    }
}
