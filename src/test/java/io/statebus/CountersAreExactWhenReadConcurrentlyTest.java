package io.statebus;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscription's counters are exact and consistent however they are read: a {@link Policy#GAP} subscription
 * lapped again and again on a ring of 8, on a handler thread or an executor, whose handler throws at a random
 * transition. Read from the producer's thread while it runs, they never show an impossible combination
 * ({@code delivered + missed} behind the position or past what was published, {@code gaps > missed}, a count going
 * back); once the handler threw, {@code delivered} is every transition the handler got (the one that threw
 * included), {@code missed} the sum of its gap notices, {@code gaps} their number, and none of them moves again.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
final class CountersAreExactWhenReadConcurrentlyTest
{
    private static final List<Integer> STATES = TestStates.integers(7);

    /** Counts what the handler is given; throws at its {@code throwAt}-th transition. Its thread only. */
    private static final class Counting implements TransitionHandler<Integer>
    {
        final long throwAt;
        final IllegalStateException boom = new IllegalStateException("the handler's random failure");
        long transitions;
        long missedInNotices;
        long notices;

        Counting(final long throwAt)
        {
            this.throwAt = throwAt;
        }

        @Override
        public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
        {
            if (++transitions == throwAt)
            {
                throw boom;
            }
        }

        @Override
        public void onGap(final Gap<Integer> gap)
        {
            missedInNotices += gap.missed();
            notices++;
        }
    }

    @ParameterizedTest(name = "{0} {1} seed {2}")
    @CsvSource({"MULTI, thread, 1", "SINGLE, thread, 2", "MULTI, executor, 3", "SINGLE, executor, 4"})
    void countersReadWhileALappedSubscriptionRunsAndFailsAreConsistentAndThenExact(
        final ProducerMode mode, final String consumer, final long seed) throws Exception
    {
        final Random random = new Random(seed);
        final Counting handler = new Counting(1_000 + random.nextInt(20_000));
        final ExecutorService executor = Executors.newSingleThreadExecutor();
        try (StateBus<Integer> bus = StateBus.builder(0, STATES).capacity(8).producerMode(mode).build())
        {
            bus.set(1);
            final Subscription<Integer> sub = "thread".equals(consumer) ?
                bus.subscribe(Policy.GAP, handler) : bus.subscribe(Policy.GAP, handler, executor);
            final Sample last = new Sample();
            for (long i = 0; i < 5_000_000 && !sub.isClosed(); i++)
            {
                bus.set((bus.get() + 1 + random.nextInt(5)) % 7);
                if ((i & 31) == 0)
                {
                    last.check(sub, bus);
                }
            }
            TestAwait.until(sub::isClosed, "the handler's failure ended the subscription");
            executor.shutdown();
            assertThat(executor.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
            if (sub.handlerThread() != null)
            {
                TestAwait.ended(sub.handlerThread());
            }
            assertThat(sub.failure()).isSameAs(handler.boom);
            final Sample end = new Sample();
            end.check(sub, bus);
            for (int i = 0; i < 100; i++)
            {
                bus.set((bus.get() + 1) % 7);
            }
            assertThat(new long[] {sub.delivered(), sub.missed(), sub.gaps()}).as("a failed subscription's counts")
                .containsExactly(end.delivered, end.missed, end.gaps);
            assertThat(sub.lag()).isEqualTo(bus.latestSequence() - sub.position());
            assertThat(end.delivered).as("delivered").isEqualTo(handler.transitions).isEqualTo(handler.throwAt);
            assertThat(end.missed).as("missed").isEqualTo(handler.missedInNotices).isPositive();
            assertThat(end.gaps).as("gaps").isEqualTo(handler.notices);
            assertThat(end.delivered + end.missed).isEqualTo(sub.position() - sub.joinSequence());
        }
        finally
        {
            executor.shutdownNow();
        }
    }

    /** One reading of the counters from another thread, checked against the one before it. */
    private static final class Sample
    {
        long delivered = -1;
        long missed = -1;
        long gaps = -1;

        void check(final Subscription<Integer> sub, final StateBus<Integer> bus)
        {
            final long join = sub.joinSequence();
            final long position = sub.position(); // first: the counters account for at least this much
            final long g = sub.gaps(); // before missed: a gap is counted after the transitions it missed
            final long d = sub.delivered();
            final long m = sub.missed();
            final long lag = sub.lag();
            final long published = bus.latestSequence(); // last: at least what the counters account for
            assertThat(d + m).as("delivered %d + missed %d vs position %d", d, m, position)
                .isGreaterThanOrEqualTo(position - join)
                .isLessThanOrEqualTo(published - join);
            assertThat(g).as("gaps %d, missed %d", g, m).isLessThanOrEqualTo(m);
            assertThat(lag).isNotNegative();
            if (delivered >= 0 && !(d >= delivered && m >= missed && g >= gaps))
            {
                throw new AssertionError("a count went back: " + delivered + "/" + missed + "/" + gaps + " then " +
                    d + "/" + m + "/" + g);
            }
            delivered = d;
            missed = m;
            gaps = g;
        }
    }
}
