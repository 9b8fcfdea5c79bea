package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Awaiting never misses", at the one moment the producer's wake-up can be lost: a publish that races the
 * registration of an await or executor subscription may read the listener list from before it, with no fence
 * (see {@link PublishListener}). The only cover is that a new listener checks for work once more after the
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
        while (now - registeredAfter < PublishListener.REGISTRATION_RECHECK_NANOS && parks < 1_000_000)
        {
            waiter.prepare();
            waiter.park(farDeadline);
            parks++;
            now = System.nanoTime();
        }

        assertThat(now - registeredAfter).isGreaterThanOrEqualTo(PublishListener.REGISTRATION_RECHECK_NANOS);
    }

    @Test
    void afterTheWindowAnAwaitParksUntilItsDeadline()
    {
        final ParkedWaiter waiter = new ParkedWaiter(Thread.currentThread());
        waiter.registered();
        final long pastWindow = System.nanoTime() + 2 * PublishListener.REGISTRATION_RECHECK_NANOS;
        while (System.nanoTime() - pastWindow < 0)
        {
            waiter.prepare();
            waiter.park(pastWindow);
        }
        // the poll after the window closed it; the next park is bounded by the deadline only, so one park (or a
        // few, if woken spuriously) covers 20 ms: a window that stayed open would return at once, every time
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        int parks = 0;
        while (System.nanoTime() - deadline < 0)
        {
            waiter.prepare();
            waiter.park(deadline);
            parks++;
        }
        assertThat(parks).as("parks to cover 20 ms after the window closed").isLessThanOrEqualTo(10);
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
}
