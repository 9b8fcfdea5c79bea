package io.statebus;

import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import io.statebus.consume.HandlerThreadWaitStrategy;
import io.statebus.consume.ParkedWaiter;
import io.statebus.publish.RegistrationWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Awaiting never misses", at the one moment the producer's wake-up can be lost: a publish that races the
 * registration of an await or executor subscription may read the listener list from before it, with no fence
 * (see {@link io.statebus.publish.RegistrationWindow}). The only cover is that a new listener checks for work once more after the
 * registration window, whatever it was told. A test cannot make the CPU reorder on demand, so these tests pin that
 * cover down: without it, each of them blocks until its {@code @Timeout}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RegistrationWindowTest
{
    @Test
    void anAwaitWokenByNobodyStillPollsAgainAfterTheRegistrationWindow()
    {
        final ParkedWaiter waiter = new ParkedWaiter(Thread.currentThread());
        final long registeredAfter = System.nanoTime();
        waiter.registered();
        final long farDeadline = registeredAfter + TimeUnit.MINUTES.toNanos(10);

        // no publish, no unpark: only the registration window can end these parks before the far deadline
        long now = System.nanoTime();
        int parks = 0;
        while (now - registeredAfter < RegistrationWindow.NANOS && parks < 1_000_000)
        {
            waiter.prepare();
            waiter.park(farDeadline);
            parks++;
            now = System.nanoTime();
        }

        assertThat(now - registeredAfter).isGreaterThanOrEqualTo(RegistrationWindow.NANOS);
    }

    /**
     * Once the window has passed (and the waiter has polled after it), a park is bounded by its deadline only: with
     * a deadline ten minutes away the waiter really parks, and a publish's wake-up ends it. A window that stayed
     * open would end every park at once (its end is in the past), so the waiter would never be seen parked.
     */
    @Test
    void afterTheWindowAnAwaitParksUntilItsDeadlineOrAWakeUp() throws Exception
    {
        final AtomicBoolean woken = new AtomicBoolean();
        final AtomicReference<ParkedWaiter> waiterRef = new AtomicReference<>();
        final AtomicLong parksAfterTheWindow = new AtomicLong();
        final Thread thread = new Thread(() ->
        {
            final ParkedWaiter waiter = new ParkedWaiter(Thread.currentThread());
            waiter.registered();
            final long pastWindow = System.nanoTime() + 2 * RegistrationWindow.NANOS;
            while (System.nanoTime() - pastWindow < 0)
            {
                waiter.prepare();
                waiter.park(pastWindow);
            }
            // the poll after the window (this loop's last check) closed it
            waiterRef.set(waiter); // from here on, a park the test sees is one after the window
            final long farDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (true)
            {
                waiter.prepare(); // then look once more, as an await does: a wake-up cannot fall in between
                if (woken.get())
                {
                    waiter.cancel();
                    break;
                }
                waiter.park(farDeadline);
                parksAfterTheWindow.incrementAndGet();
            }
        }, "waiter");
        thread.setDaemon(true);
        thread.start();

        TestAwait.until(() -> waiterRef.get() != null && LockSupport.getBlocker(thread) == waiterRef.get(),
            "the waiter is parked on its far deadline");
        woken.set(true);
        waiterRef.get().onPublish(); // what a publish does for a registered await
        TestAwait.ended(thread);
        assertThat(parksAfterTheWindow.get()).as("parks after the window, ended by the wake-up").isPositive();
    }

    @Test
    void anExecutorSubscriptionIsScheduledOnceMoreAfterRegisteringWithNothingPublished() throws Exception
    {
        final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(8).build())
        {
            final Recorder<Connection> recorder = new Recorder<>();
            bus.subscribe(Policy.BLOCK, recorder, tasks::add);

            // the drain for what came before the registration, then the recheck: nothing else submits anything
            int ran = 0;
            while (ran < 2)
            {
                final Runnable task = tasks.poll(20, TimeUnit.SECONDS);
                assertThat(task).as("task %d was submitted", ran + 1).isNotNull();
                task.run();
                ran++;
            }
            assertThat(recorder.transitions).isEmpty();
        }
    }

    /** Counts the signals it receives; waits like a busy-spin strategy. */
    private static final class CountingSignals implements WaitStrategy
    {
        int signals;

        @Override
        public long waitFor(final long sequence, final Sequence cursor, final Sequence dependent,
            final SequenceBarrier barrier)
        {
            return dependent.get();
        }

        @Override
        public void signalAllWhenBlocking()
        {
            signals++;
        }
    }

    @Test
    void theProducerSignalsTheWaitStrategyOnlyWhileAHandlerThreadIsRegistered()
    {
        final CountingSignals counting = new CountingSignals();
        final HandlerThreadWaitStrategy waits = new HandlerThreadWaitStrategy(counting);
        waits.signalAllWhenBlocking();
        assertThat(counting.signals).as("no handler thread: no signal").isZero();

        waits.handlerThreadRegistered();
        waits.handlerThreadRegistered();
        waits.signalAllWhenBlocking();
        waits.handlerThreadEnded();
        waits.signalAllWhenBlocking();
        assertThat(counting.signals).as("signals while one or two handler threads run").isEqualTo(2);

        waits.handlerThreadEnded();
        waits.signalAllWhenBlocking();
        assertThat(counting.signals).as("none after the last one ended").isEqualTo(2);
    }

    @Test
    void aNewHandlerThreadsFirstWaitComesAfterTheRegistrationWindow()
    {
        // a publish that read "no handler thread" just before the registration sent no signal; its cursor store
        // is visible to the strategy's own check of the cursor once the window has passed
        final HandlerThreadWaitStrategy waits = new HandlerThreadWaitStrategy(new CountingSignals());
        final long registeredAfter = System.nanoTime();
        final long notBefore = waits.handlerThreadRegistered();
        HandlerThreadWaitStrategy.firstWaitNotBefore(notBefore);
        final long returnedAt = System.nanoTime();
        assertThat(notBefore - registeredAfter).isGreaterThanOrEqualTo(RegistrationWindow.NANOS);
        assertThat(returnedAt - notBefore).isGreaterThanOrEqualTo(0);

        // a window far enough ahead that it cannot have passed already: the wait itself must hold the thread
        final long farther = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        HandlerThreadWaitStrategy.firstWaitNotBefore(farther);
        assertThat(System.nanoTime() - farther).as("returned before the window's end").isGreaterThanOrEqualTo(0);
    }

    @Test
    void aHandlerThreadOfABusWithoutOthersStillReceivesTransitionsPublishedAsItStarts() throws Exception
    {
        // the default BlockingWaitStrategy: a handler thread that missed a signal would block until its timeout
        for (int round = 0; round < 200; round++)
        {
            try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(8).noClock().build())
            {
                bus.set(Connection.CONNECTING); // before any handler thread: no signal sent
                final LinkedBlockingQueue<Connection> seen = new LinkedBlockingQueue<>();
                bus.subscribe(Policy.BLOCK, (t, endOfBatch) -> seen.add(t.to()));
                bus.set(Connection.CONNECTED); // racing the new thread's start
                assertThat(seen.poll(10, TimeUnit.SECONDS)).as("round %d", round).isEqualTo(Connection.CONNECTED);
            }
        }
    }
}
