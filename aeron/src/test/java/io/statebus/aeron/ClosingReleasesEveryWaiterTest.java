package io.statebus.aeron;

import io.aeron.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Closing (guarantee 9 across the wire): those waiting for a mirrored bus that never started are released at once
 * with a clear exception when the receiver closes or fails, whatever the kind of bus; nothing waits for its timeout.
 */
class ClosingReleasesEveryWaiterTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);
    private static final Duration LONG_WAIT = Duration.ofSeconds(20); // a waiter still there after 5 s hangs

    /** Waits in awaitBus on a thread of its own; completes with what it threw (or the bus, which is wrong here). */
    private static CompletableFuture<Object> waiter(final Waits waits, final List<Thread> threads)
    {
        final CompletableFuture<Object> result = new CompletableFuture<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                result.complete(waits.await());
            }
            catch (final Throwable ex)
            {
                result.complete(ex);
            }
        }, "awaitBus");
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
        return result;
    }

    private interface Waits
    {
        Object await() throws InterruptedException;
    }

    /**
     * One waiter per kind of mirrored bus, each in awaitBus when this returns (its thread in the timed wait), the
     * receiver's duty cycle run meanwhile with no source: nothing starts.
     */
    private static List<CompletableFuture<Object>> waitersOfEveryKind(final MirrorReceiver receiver)
    {
        final MirroredBus<Phase> states = receiver.mirror(1, PHASES, b -> b);
        final MirroredLongBus longs = receiver.mirrorLong(2, b -> b);
        final MirroredKeyedBus<Phase> keyed = receiver.mirrorKeyed(3, PHASES, b -> b.maxKeys(16));
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        final List<CompletableFuture<Object>> waiters = List.of(waiter(() -> states.awaitBus(LONG_WAIT), threads),
            waiter(() -> longs.awaitBus(LONG_WAIT), threads), waiter(() -> keyed.awaitBus(LONG_WAIT), threads));
        // awaited, not slept for: a waiter that came only after the close would meet the closed receiver at once,
        // and the release of those already waiting would go untested
        Pump.until(() -> threads.stream().allMatch(t -> t.getState() == Thread.State.TIMED_WAITING),
            Duration.ofSeconds(10), "every waiter waiting in awaitBus", receiver);
        return waiters;
    }

    private static void assertReleased(final List<CompletableFuture<Object>> waiters, final String why)
        throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException
    {
        for (final CompletableFuture<Object> waiter : waiters)
        {
            assertThat(waiter.get(5, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.THROWABLE)
                .hasMessageContaining("none will come").hasMessageContaining(why);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void closingTheReceiverReleasesThoseWaitingForALocalBusThatNeverStarted() throws Exception
    {
        try (TestDriver driver = TestDriver.start("close-waiters"))
        {
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 80));
            final List<CompletableFuture<Object>> waiters = waitersOfEveryKind(receiver);
            receiver.close();
            assertReleased(waiters, "the mirror is closed");
            assertThatThrownBy(() -> receiver.mirror(4, PHASES, b -> b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
            receiver.close(); // idempotent
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aFailedReceiverReleasesThoseWaitingForALocalBusThatNeverStarted() throws Exception
    {
        try (TestDriver driver = TestDriver.start("fail-waiters"))
        {
            final Subscription subscription = driver.aeron.addSubscription(TestDriver.IPC, 81);
            final MirrorReceiver receiver = new MirrorReceiver(subscription);
            final List<CompletableFuture<Object>> waiters = waitersOfEveryKind(receiver);
            subscription.close(); // as a client that failed closes it
            assertThatThrownBy(receiver::doWork).hasMessageContaining("is closed");
            assertThat(receiver.isFailed()).isTrue();
            assertReleased(waiters, "its receiver failed");
            assertThatThrownBy(() -> receiver.mirrorLong(4, b -> b)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed");
            receiver.close();
        }
    }
}
