package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 5 for {@link Policy#CONFLATE}: a lapped subscription resumes at the latest transition, not the oldest
 * in the ring, and its gap notice and counters still account for every transition exactly.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConflationKeepsUpTest
{
    private static final int STATES = 7;

    @Test
    void aLappedConflatingSubscriptionResumesAtTheLatestTransition()
    {
        try (StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(STATES)).capacity(8).build())
        {
            final Subscription<Integer> latest = bus.subscribe(Policy.CONFLATE);
            final Subscription<Integer> oldest = bus.subscribe(Policy.GAP);
            publishUpTo(bus, 20);
            final List<String> conflated = poll(latest);
            final List<String> caughtUp = poll(oldest);
            assertThat(conflated).containsExactly("gap 1..19 resume 5", "#20 5->6");
            assertThat(caughtUp).startsWith("gap 1..12 resume 5").hasSize(9);
            assertThat(latest.missed()).isEqualTo(19);
            assertThat(latest.delivered() + latest.missed()).isEqualTo(20);

            publishUpTo(bus, 23); // not lapped: every transition, as GAP would
            assertThat(poll(latest)).containsExactly("#21 6->0", "#22 0->1", "#23 1->2");
            assertThat(latest.delivered() + latest.missed()).isEqualTo(23);
            assertThat(latest.gaps()).isEqualTo(1);
        }
    }

    /** Under a producer racing a slow reader at capacity 2: chain kept, counts exact, fewer but larger gaps. */
    @Test
    void underARacingProducerTheAccountingStaysExactAndTheChainUnbroken() throws Exception
    {
        try (StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(STATES)).capacity(2).build())
        {
            final Subscription<Integer> sub = bus.subscribe(Policy.CONFLATE);
            final int total = 200_000;
            final Thread producer = new Thread(() -> publishUpTo(bus, total), "producer");
            producer.start();
            final long[] expectedNext = {1};
            final int[] state = {0};
            final TransitionHandler<Integer> check = new TransitionHandler<>()
            {
                @Override
                public void onTransition(final Transition<Integer> t, final boolean end)
                {
                    assertThat(t.sequence()).isEqualTo(expectedNext[0]);
                    assertThat(t.from()).isEqualTo(state[0]);
                    assertThat(t.to()).isEqualTo((int)(t.sequence() % STATES));
                    expectedNext[0]++;
                    state[0] = t.to();
                }

                @Override
                public void onGap(final Gap<Integer> gap)
                {
                    assertThat(gap.firstMissed()).isEqualTo(expectedNext[0]);
                    assertThat(gap.resumeState()).isEqualTo((int)(gap.lastMissed() % STATES));
                    expectedNext[0] = gap.lastMissed() + 1;
                    state[0] = gap.resumeState();
                }
            };
            // bounded: @Timeout cannot stop a loop that never blocks (a producer that died early left it spinning)
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while ((producer.isAlive() || sub.position() < total) && System.nanoTime() - deadline < 0)
            {
                sub.poll(check, 16);
            }
            assertThat(sub.position()).as("the conflating reader reached the last transition").isEqualTo(total);
            TestAwait.ended(producer);
            assertThat(sub.delivered() + sub.missed()).isEqualTo(total);
            assertThat(expectedNext[0]).isEqualTo(total + 1);
        }
    }

    private static void publishUpTo(final StateBus<Integer> bus, final long last)
    {
        for (long s = bus.latestSequence() + 1; s <= last; s++)
        {
            bus.set((int)(s % STATES));
        }
    }

    private static List<String> poll(final Subscription<Integer> sub)
    {
        final List<String> events = new ArrayList<>();
        sub.poll(new TransitionHandler<>()
        {
            @Override
            public void onTransition(final Transition<Integer> t, final boolean end)
            {
                events.add("#" + t.sequence() + " " + t.from() + "->" + t.to());
            }

            @Override
            public void onGap(final Gap<Integer> gap)
            {
                events.add("gap " + gap.firstMissed() + ".." + gap.lastMissed() + " resume " + gap.resumeState());
            }
        }, 100);
        return events;
    }
}
