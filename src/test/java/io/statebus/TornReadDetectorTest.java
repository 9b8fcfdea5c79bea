package io.statebus;

import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 5, last clause: a {@link Policy#GAP} subscription never sees a torn transition. Every field of a
 * transition here is derivable from its sequence ({@code from = (s - 1) % 7}, {@code to = s % 7},
 * {@code timestamp = s}, by a clock that counts publications), so a transition mixing fields from two publications
 * of the same slot cannot pass. A reader on a tiny ring is lapped on purpose by a producer at full speed.
 * Exactly two busy threads: the producer and the test thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TornReadDetectorTest
{
    /** What each capacity saw, printed as this class's one line. */
    private static final List<String> REPORT = new CopyOnWriteArrayList<>();

    @AfterAll
    static void report()
    {
        System.out.println("TornReadDetectorTest: " + String.join("; ", REPORT));
    }

    private static final int STATES = 7;
    private static final List<Integer> STATE_LIST = TestStates.integers(STATES);
    private static final long TRANSITIONS = 2_000_000;

    /**
     * Timestamps equal sequences: called only by the producer, once per publication, between its writes of a slot's
     * states and of its timestamp. It also paces the producer (0 to 15 spin-wait hints, changing every 8192
     * publications) so that, at some of these speeds, the reader keeps close enough to be reading the very slots
     * being rewritten instead of being lapped before every read.
     */
    private static final class CountingClock implements NanoClock
    {
        private long publications;

        @Override
        public long nanoTime()
        {
            final long spins = (publications >> 13) & 15;
            for (int i = 0; i < spins; i++)
            {
                Thread.onSpinWait();
            }
            return ++publications;
        }
    }


    /** Checks every field of every transition against its sequence; allocates only on the first violation. */
    private static final class Detector implements TransitionHandler<Integer>
    {
        long expected = 1;
        long torn;
        long outOfOrder;
        long delivered;
        long notices;
        long missedInNotices;
        String first;

        @Override
        public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
        {
            final long s = t.sequence();
            if (t.from() != (int)((s - 1) % STATES) || t.to() != (int)(s % STATES) || t.timestampNanos() != s)
            {
                if (torn++ == 0)
                {
                    first = "torn: " + t + " @" + t.timestampNanos();
                }
            }
            if (s != expected)
            {
                outOfOrder++;
            }
            expected = s + 1;
            delivered++;
        }

        @Override
        public void onGap(final Gap<Integer> gap)
        {
            if (gap.firstMissed() != expected || gap.resumeState() != (int)(gap.lastMissed() % STATES))
            {
                if (torn++ == 0)
                {
                    first = "bad notice: " + gap + ", expected to start at " + expected;
                }
            }
            expected = gap.lastMissed() + 1;
            notices++;
            missedInNotices += gap.missed();
        }
    }

    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {2, 4, 8})
    void aLappedGapReaderNeverDeliversATransitionWhoseFieldsDoNotMatchItsSequence(final int capacity)
        throws Exception
    {
        try (StateBus<Integer> bus = StateBus.builder(0, STATE_LIST).capacity(capacity).clock(new CountingClock())
            .build())
        {
            final Subscription<Integer> sub = bus.subscribe(Policy.GAP);
            final AtomicReference<Throwable> producerFailure = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    for (long s = 1; s <= TRANSITIONS; s++)
                    {
                        bus.set((int)(s % STATES));
                    }
                }
                catch (final Throwable ex)
                {
                    producerFailure.set(ex);
                }
            }, "full-speed-producer");
            producer.start();
            // start reading only once the producer is ten rings ahead, so at least one lap is certain
            TestAwait.until(() -> bus.latestSequence() > 10L * capacity || !producer.isAlive(), "a head start");

            final Detector detector = new Detector();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (sub.position() < TRANSITIONS && System.nanoTime() - deadline < 0)
            {
                if (sub.poll(detector, 64) == 0)
                {
                    Thread.onSpinWait();
                }
            }
            TestAwait.ended(producer);

            assertThat(producerFailure.get()).isNull();
            assertThat(detector.first).as("first torn or misnumbered callback").isNull();
            assertThat(detector.torn).isZero();
            assertThat(detector.outOfOrder).isZero();
            assertThat(sub.position()).isEqualTo(TRANSITIONS);
            assertThat(sub.delivered() + sub.missed()).isEqualTo(TRANSITIONS);
            assertThat(detector.delivered).isEqualTo(sub.delivered());
            assertThat(detector.missedInNotices).isEqualTo(sub.missed());
            assertThat(detector.notices).isEqualTo(sub.gaps()).isPositive();
            REPORT.add(String.format("capacity %d: delivered %d, missed %d in %d gaps, none torn",
                capacity, sub.delivered(), sub.missed(), sub.gaps()));
        }
    }
}
