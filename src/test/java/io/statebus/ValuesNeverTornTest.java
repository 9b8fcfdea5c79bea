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
 * Guarantee 5, last clause, for a {@link ValueStateBus}: a lapped {@link Policy#GAP} subscription never sees a torn
 * transition, two references mixed from two publications of one slot, and its gap accounting stays exact. The
 * producer sets {@code Tick(s)} at sequence {@code s} (with a clock that counts publications, the timestamp is
 * {@code s} too), paced so that at some speeds the reader copies the very slots being rewritten on a ring of 2 or 4.
 * Without the re-read of the word after the references (drop {@code isStill} in {@code ValidatedRead}) this test
 * fails. Two busy threads: the producer and the test thread.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ValuesNeverTornTest
{
    private static final long TRANSITIONS = 1_000_000;
    private static final List<String> REPORT = new CopyOnWriteArrayList<>();

    @AfterAll
    static void report()
    {
        System.out.println("ValuesNeverTornTest: " + String.join("; ", REPORT));
    }

    private static void publishPaced(final ValueStateBus<Tick> bus)
    {
        for (long s = 1; s <= TRANSITIONS; s++)
        {
            bus.set(new Tick(s));
            final long spins = (s >> 13) & 15; // 0 to 15 spin hints, changing every 8192 publications
            for (int i = 0; i < spins; i++)
            {
                Thread.onSpinWait();
            }
        }
    }

    @ParameterizedTest(name = "capacity {0}, {1}, clock {2}")
    @CsvSource({"2, SINGLE, true", "4, MULTI, true", "2, MULTI, false", "4, SINGLE, false"})
    void aLappedGapReaderNeverDeliversValuesThatDoNotMatchTheirSequence(
        final int capacity, final ProducerMode mode, final boolean clock) throws Exception
    {
        final ValueStateBusBuilder<Tick> builder = StateBus.valueBuilder(new Tick(0)).capacity(capacity)
            .producerMode(mode);
        try (ValueStateBus<Tick> bus = (clock ? builder.clock(new CountingClock()) : builder).build())
        {
            final Subscription<Tick> sub = bus.subscribe(Policy.GAP);
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
            TestAwait.until(() -> bus.latestSequence() > 10L * capacity || !producer.isAlive(), "a head start");

            final ValueChainCheck check = new ValueChainCheck(sub, true);
            final long[] wrongTime = new long[1];
            final TransitionHandler<Tick> detector = new TransitionHandler<>()
            {
                @Override
                public void onTransition(final Transition<Tick> t, final boolean endOfBatch)
                {
                    check.onTransition(t, endOfBatch);
                    wrongTime[0] += t.timestampNanos() == t.sequence() || t.timestampNanos() == 0 ? 0 : 1;
                }

                @Override
                public void onGap(final Gap<Tick> gap)
                {
                    check.onGap(gap);
                }
            };
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
            assertThat(check.verdict()).as("first torn or misnumbered callback").isEqualTo("clean");
            assertThat(wrongTime[0]).isZero();
            assertThat(sub.position()).isEqualTo(TRANSITIONS);
            assertThat(sub.delivered() + sub.missed()).isEqualTo(TRANSITIONS);
            assertThat(check.missedInNotices).isEqualTo(sub.missed());
            assertThat(check.notices).isEqualTo(sub.gaps()).isPositive();
            REPORT.add(String.format("capacity %d %s%s: delivered %d, missed %d in %d gaps, none torn",
                capacity, mode, clock ? " clock" : "", sub.delivered(), sub.missed(), sub.gaps()));
        }
    }
}
