package io.statebus;

import io.statebus.publish.SingleProducer;
import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 7 against a single producer's fast path: an await that registers while the owner is inside a publish
 * it began on the open fast path (paused there, as a descheduled thread is, longer than the registration window)
 * is woken by that publish when it lands, not at its own deadline.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AnAwaitIsToldOfAPublishTheOwnerWasPausedInTest
{
    @Test
    void aStateBusAwait() throws Exception
    {
        final PausingClock clock = new PausingClock();
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(64)
            .producerMode(ProducerMode.SINGLE).clock(clock).build())
        {
            pausedOwnerWakesTheAwait(clock, () -> fastPathOpen(bus.producer()), () ->
            {
                bus.set(Connection.CONNECTING);
                bus.set(Connection.CONNECTED);
            }, () -> bus.set(Connection.CLOSED), () -> bus.await(Connection.CLOSED, Duration.ofSeconds(30)));
        }
    }

    @Test
    void aLongBusAwait() throws Exception
    {
        final PausingClock clock = new PausingClock();
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(64).producerMode(ProducerMode.SINGLE).clock(clock)
            .build())
        {
            pausedOwnerWakesTheAwait(clock, () -> fastPathOpen(bus.producer()), () ->
            {
                bus.set(1);
                bus.set(2);
            }, () -> bus.set(3), () -> bus.awaitValue(3, Duration.ofSeconds(30)));
        }
    }

    @Test
    void aValueBusAwait() throws Exception
    {
        final PausingClock clock = new PausingClock();
        try (ValueStateBus<String> bus = StateBus.valueBuilder("a").capacity(64).producerMode(ProducerMode.SINGLE)
            .clock(clock).build())
        {
            pausedOwnerWakesTheAwait(clock, () -> fastPathOpen(bus.producer()), () ->
            {
                bus.set("b");
                bus.set("c");
            }, () -> bus.set("d"), () -> bus.await("d", Duration.ofSeconds(30)));
        }
    }

    @Test
    void aKeyedBusAwait() throws Exception
    {
        final PausingClock clock = new PausingClock();
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).capacity(64)
            .producerMode(ProducerMode.SINGLE).clock(clock).build())
        {
            pausedOwnerWakesTheAwait(clock, () -> fastPathOpen(bus.core().producer()), () ->
            {
                bus.open(1, Connection.DISCONNECTED);
                bus.set(1, Connection.CONNECTING);
                bus.set(1, Connection.CONNECTED);
            }, () -> bus.set(1, Connection.CLOSED), () -> bus.await(1, Connection.CLOSED, Duration.ofSeconds(30)));
        }
    }

    /**
     * The owner publishes {@code first} (its fast path opens), then {@code match}, paused in the clock read inside
     * it; the await registers meanwhile and parks for its deadline; then the owner goes on.
     */
    private static void pausedOwnerWakesTheAwait(
        final PausingClock clock,
        final BooleanSupplier fastPathOpen,
        final Runnable first,
        final Runnable match,
        final Callable<Awaited<?>> await) throws Exception
    {
        final Thread owner = new Thread(() ->
        {
            first.run();
            clock.armed = true;
            match.run();
        }, "owner");
        owner.start();
        assertThat(clock.entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(fastPathOpen.getAsBoolean()).as("the owner is paused inside its fast path").isTrue();
        final AtomicReference<Object> answer = new AtomicReference<>();
        final CountDownLatch answered = new CountDownLatch(1);
        final Thread waiter = new Thread(() ->
        {
            try
            {
                answer.set(await.call());
            }
            catch (final Throwable ex)
            {
                answer.set(ex);
            }
            answered.countDown();
        }, "waiter");
        final long started = System.nanoTime();
        waiter.start();
        // parked for its deadline: past the short parks of its registration window (RegistrationWindow.NANOS)
        TestAwait.until(() -> waiter.getState() == Thread.State.TIMED_WAITING &&
            System.nanoTime() - started > TimeUnit.MILLISECONDS.toNanos(100), "the waiter parked");
        clock.release.countDown();
        TestAwait.ended(owner);
        assertThat(answered.await(10, TimeUnit.SECONDS)).as("answered when the match landed, not at its deadline")
            .isTrue();
        assertThat(answer.get()).isInstanceOf(Awaited.class);
        assertThat(((Awaited<?>)answer.get()).outcome()).isEqualTo(Awaited.Outcome.MATCHED);
    }

    private static boolean fastPathOpen(final Object producer)
    {
        return ((SingleProducer<?>)producer).fastPathOpen();
    }

    /** A clock that, once armed, holds the one read that follows until released: the owner paused mid-publish. */
    private static final class PausingClock implements NanoClock
    {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean armed;

        @Override
        public long nanoTime()
        {
            if (armed)
            {
                armed = false;
                entered.countDown();
                try
                {
                    if (!release.await(30, TimeUnit.SECONDS))
                    {
                        throw new AssertionError("never released");
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
            return System.nanoTime();
        }
    }
}
