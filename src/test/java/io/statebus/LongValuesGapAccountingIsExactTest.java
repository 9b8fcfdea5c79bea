package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.statebus.LongChainCheck.valueAt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 5 for a {@link LongStateBus}: a {@link Policy#GAP} (or {@link Policy#CONFLATE}) subscription never
 * slows the producer; lapped, it gets one notice per incident with the exact range and the value it resumes from;
 * {@code delivered + missed == published since join}, always. Values are {@link LongChainCheck#valueAt}(sequence),
 * so every figure is known in advance. Rings of 2 slots, the smallest.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LongValuesGapAccountingIsExactTest
{
    /** Records notices and transitions in arrival order, as text. */
    private static final class Events implements LongTransitionHandler
    {
        final List<String> events = new ArrayList<>();

        @Override
        public void onTransition(final LongTransition t, final boolean endOfBatch)
        {
            events.add(t.toString());
        }

        @Override
        public void onGap(final LongGap gap)
        {
            events.add("gap " + gap.firstMissed() + ".." + gap.lastMissed() + " missed " + gap.missed() +
                " resume " + gap.resumeValue());
        }
    }

    private static String transition(final long s)
    {
        return "#" + s + " " + valueAt(s - 1) + " -> " + valueAt(s);
    }

    @Test
    void aLappedGapSubscriptionGetsOneExactNoticeThenResumesAtTheOldestSlotStillInTheRing() throws Exception
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(2).build())
        {
            final LongSubscription sub = bus.subscribe(Policy.GAP);
            LongChainCheck.publish(bus, 10); // a ring of 2 holds #9 and #10; #10's slot is next to be claimed
            assertThat(bus.trySet(valueAt(11), java.time.Duration.ZERO)).as("never waits for a GAP reader").isTrue();
            final Events events = new Events();
            assertThat(sub.poll(events, 100)).isEqualTo(2);
            assertThat(events.events).containsExactly(
                "gap 1..9 missed 9 resume " + valueAt(9), transition(10), transition(11));
            assertThat(sub.missed()).isEqualTo(9);
            assertThat(sub.gaps()).isEqualTo(1);
            assertThat(sub.delivered() + sub.missed()).isEqualTo(bus.latestSequence());
            assertThat(bus.producerWaits()).isZero();
        }
    }

    @Test
    void aConflatingSubscriptionResumesAtTheLatestTransitionAndCountsTheRestAsMissed()
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(2).build())
        {
            final LongSubscription sub = bus.subscribe(Policy.CONFLATE);
            LongChainCheck.publish(bus, 50);
            final Events events = new Events();
            sub.poll(events, 100);
            assertThat(events.events).containsExactly("gap 1..49 missed 49 resume " + valueAt(49), transition(50));
            assertThat(sub.delivered() + sub.missed()).isEqualTo(50);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Policy.class, names = {"GAP", "CONFLATE"})
    void underAConcurrentProducerDeliveredPlusMissedIsWhatWasPublishedAndEveryNoticeIsExact(final Policy policy)
        throws Exception
    {
        final long transitions = 1_000_000;
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(2).producerMode(ProducerMode.SINGLE).build())
        {
            final LongSubscription sub = bus.subscribe(policy);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    LongChainCheck.publish(bus, transitions);
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            }, "producer");
            producer.start();
            final LongChainCheck check = new LongChainCheck(sub, transitions);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (sub.position() < transitions && System.nanoTime() - deadline < 0)
            {
                if (sub.poll(check, 16) == 0)
                {
                    Thread.onSpinWait();
                }
                // at every instant between polls: nothing lost from the accounts
                assertThat(sub.delivered() + sub.missed()).isEqualTo(sub.position());
            }
            TestAwait.ended(producer);
            assertThat(failure.get()).isNull();
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(sub.position()).isEqualTo(transitions);
            assertThat(sub.delivered() + sub.missed()).isEqualTo(transitions);
            assertThat(check.delivered).isEqualTo(sub.delivered());
            assertThat(check.missedInNotices).isEqualTo(sub.missed());
            assertThat(check.notices).isEqualTo(sub.gaps());
            assertThat(bus.producerWaits()).isZero();
        }
    }
}
