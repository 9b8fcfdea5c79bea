package io.statebus;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 5, last clause, for a {@link LongStateBus}: a lapped {@link Policy#GAP} subscription never sees a torn
 * transition, two longs mixed from two publications of one slot. Every field is derivable from the sequence
 * ({@code from = valueAt(s - 1)}, {@code to = valueAt(s)}, {@code timestamp = s} by a clock that counts
 * publications; without a clock the longs alone), and a paced producer at full speed laps a reader on a ring
 * of 2 or 4 slots on purpose, so it keeps copying slots while they are rewritten. Without the re-read of the word after the longs (drop the
 * {@code isStill} check in {@code ValidatedRead}) this test fails at once: it was checked so. Exactly two busy
 * threads: the producer and the test thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LongValuesNeverTornTest
{
    private static final long TRANSITIONS = 2_000_000;
    /** What each case saw, printed as this class's one line. */
    private static final List<String> REPORT = new CopyOnWriteArrayList<>();

    @AfterAll
    static void report()
    {
        System.out.println("LongValuesNeverTornTest: " + String.join("; ", REPORT));
    }

    /**
     * Publishes every transition with its derivable value, paced (0 to 15 spin-wait hints, changing every 8192
     * publications) so that at some speeds the reader reads the very slots being rewritten.
     */
    private static void publishPaced(final LongStateBus bus)
    {
        for (long s = 1; s <= TRANSITIONS; s++)
        {
            bus.set(LongChainCheck.valueAt(s));
            final long spins = (s >> 13) & 15;
            for (int i = 0; i < spins; i++)
            {
                Thread.onSpinWait();
            }
        }
    }

    /** The chain check, plus the timestamp. */
    private static final class Detector implements LongTransitionHandler
    {
        final LongChainCheck chain = new LongChainCheck(0, 0, TRANSITIONS);
        long wrongTime;

        @Override
        public void onTransition(final LongTransition t, final boolean endOfBatch)
        {
            chain.onTransition(t, endOfBatch);
            wrongTime += t.timestampNanos() == t.sequence() || t.timestampNanos() == 0 ? 0 : 1;
        }

        @Override
        public void onGap(final LongGap gap)
        {
            chain.onGap(gap);
        }
    }

    @ParameterizedTest(name = "capacity {0}, {1}, clock {2}")
    @CsvSource({"2, SINGLE, true", "4, SINGLE, true", "2, MULTI, true", "4, MULTI, true", "2, SINGLE, false",
        "4, MULTI, false"})
    void aLappedGapReaderNeverDeliversLongsThatDoNotMatchTheirSequence(
        final int capacity, final ProducerMode mode, final boolean clock) throws Exception
    {
        final LongStateBusBuilder builder = StateBus.longBuilder(0).capacity(capacity).producerMode(mode);
        try (LongStateBus bus = (clock ? builder.clock(new CountingClock()) : builder).build())
        {
            final LongSubscription sub = bus.subscribe(Policy.GAP);
            final AtomicReference<Throwable> producerFailure = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    publishPaced(bus);
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
            assertThat(detector.chain.verdict()).as("first torn or misnumbered callback").isEqualTo("clean");
            assertThat(detector.wrongTime).isZero();
            assertThat(sub.position()).isEqualTo(TRANSITIONS);
            assertThat(sub.delivered() + sub.missed()).isEqualTo(TRANSITIONS);
            assertThat(detector.chain.notices).isEqualTo(sub.gaps()).isPositive();
            REPORT.add(String.format("capacity %d %s%s: delivered %d, missed %d in %d gaps, none torn",
                capacity, mode, clock ? " clock" : "", sub.delivered(), sub.missed(), sub.gaps()));
        }
    }
}
