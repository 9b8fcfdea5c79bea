package io.statebus.proof;

import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Guarantee 4 (back-pressure without loss) and 8 (a closed or failed BLOCK subscription stops holding the
 * producer back at once), with a producer genuinely waiting on a full ring.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackPressureTest
{
    /** A bus whose ring is full behind a BLOCK subscription that is never polled. */
    private static StateBus<S3> fullRing(final Subscription<?>[] stalled)
    {
        final StateBus<S3> bus = StateBus.builder(S3.A).capacity(2).producerMode(ProducerMode.MULTI).build();
        stalled[0] = bus.subscribe(Policy.BLOCK);
        bus.set(S3.B);
        bus.set(S3.C);
        return bus;
    }

    private static Thread start(final String name, final Runnable body)
    {
        final Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Bounded: yields until the thread parks (it is waiting for capacity). */
    private static void awaitParked(final Thread t)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (t.getState() != Thread.State.TIMED_WAITING && t.getState() != Thread.State.WAITING)
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail(t.getName() + " never waited for capacity within 20 s");
            }
            assertThat(t.isAlive()).describedAs("%s ended instead of waiting", t.getName()).isTrue();
            Thread.yield();
        }
    }

    @Test
    void timedTrySetOnAFullRingFailsAndChangesNothing() throws Exception
    {
        final Subscription<?>[] stalled = new Subscription<?>[1];
        try (StateBus<S3> bus = fullRing(stalled))
        {
            final long waits = bus.producerWaits();
            assertThat(bus.trySet(S3.A, 0, TimeUnit.NANOSECONDS)).isFalse();
            assertThat(bus.trySet(S3.A, 2, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(bus.get()).isEqualTo(S3.C);
            assertThat(bus.latestSequence()).isEqualTo(2);
            assertThat(bus.producerWaits()).isEqualTo(waits + 2);
            assertThat(bus.trySet(S3.C, 0, TimeUnit.NANOSECONDS)).describedAs("already C: nothing to publish").isTrue();
        }
    }

    @Test
    void closingTheStalledSubscriptionReleasesABlockedProducer() throws Exception
    {
        final Subscription<?>[] stalled = new Subscription<?>[1];
        try (StateBus<S3> bus = fullRing(stalled))
        {
            final AtomicReference<Object> result = new AtomicReference<>();
            final Thread producer = start("blocked-producer", () -> result.set(bus.set(S3.A)));
            awaitParked(producer);
            assertThat(bus.get()).isEqualTo(S3.C);
            stalled[0].close();
            producer.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(producer.isAlive()).describedAs("released by closing the stalled subscription").isFalse();
            assertThat(result.get()).isEqualTo(3L);
            assertThat(bus.get()).isEqualTo(S3.A);
        }
    }

    @Test
    void aFailedHandlerReleasesABlockedProducer() throws Exception
    {
        try (StateBus<S3> bus = StateBus.builder(S3.A).capacity(2).producerMode(ProducerMode.MULTI).build())
        {
            final RuntimeException boom = new IllegalStateException("boom");
            // the handler holds the producer back (a full ring) until it throws at #1
            final Subscription<S3> failing = bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                throw boom;
            });
            for (int i = 0; i < 20; i++)
            {
                bus.set(i % 2 == 0 ? S3.B : S3.C); // would block for ever if the failed subscription still gated
            }
            assertThat(bus.latestSequence()).isEqualTo(20);
            failing.handlerThread().join(TimeUnit.SECONDS.toMillis(20));
            assertThat(failing.handlerThread().isAlive()).isFalse();
            assertThat(failing.failure()).isSameAs(boom);
            assertThat(bus.subscriptionCount()).isZero();
        }
    }

    /**
     * trySet documents "@throws InterruptedException if interrupted while waiting": the back-pressure loop must
     * check the interrupt (an idle strategy's park returns at once for an interrupted thread, so ignoring it would
     * busy-spin until the deadline and return false).
     */
    @Test
    void trySetIsInterruptibleWhileWaitingForCapacity() throws Exception
    {
        final Subscription<?>[] stalled = new Subscription<?>[1];
        try (StateBus<S3> bus = fullRing(stalled))
        {
            final AtomicReference<Object> outcome = new AtomicReference<>();
            final Thread producer = start("interrupted-producer", () ->
            {
                try
                {
                    outcome.set(bus.trySet(S3.A, 3, TimeUnit.SECONDS));
                }
                catch (final InterruptedException expected)
                {
                    outcome.set(expected);
                }
            });
            awaitParked(producer);
            producer.interrupt();
            producer.join(TimeUnit.SECONDS.toMillis(20));
            assertThat(producer.isAlive()).isFalse();
            assertThat(bus.get()).isEqualTo(S3.C);
            assertThat(bus.latestSequence()).isEqualTo(2);
            assertThat(outcome.get()).describedAs("what trySet did when interrupted while waiting")
                .isInstanceOf(InterruptedException.class);
        }
    }
}
