package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 8 for a {@link LongStateBus}: a handler that throws fails its own subscription only; the exception
 * goes to the builder's error handler, never to the producer or another subscription, and a failed
 * {@link Policy#BLOCK} subscription stops holding the producer back at once.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LongValuesIsolationTest
{
    @Test
    void aThrowingHandlerFailsOnlyItsSubscriptionAndStopsGatingTheProducer() throws Exception
    {
        final List<Throwable> reported = new CopyOnWriteArrayList<>();
        final ExecutorService executor = Executors.newSingleThreadExecutor();
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(4).errorHandler(reported::add).build())
        {
            final LongSubscription onThread = bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                if (t.to() == LongChainCheck.valueAt(2))
                {
                    throw new IllegalStateException("handler thread fails at #2");
                }
            });
            final LongSubscription onExecutor = bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                throw new IllegalArgumentException("executor handler fails at once");
            }, executor);
            final LongSubscription healthy = bus.subscribe(Policy.BLOCK);
            final LongChainCheck check = new LongChainCheck(healthy, 100);
            for (long s = 1; s <= 100; s++)
            {
                bus.set(LongChainCheck.valueAt(s)); // a ring of 4: the failed BLOCK subscriptions must not hold it
                healthy.poll(check, 10);
            }
            TestAwait.until(() -> onThread.failure() != null && onExecutor.failure() != null, "both failed");
            TestAwait.until(() -> reported.size() == 2, "both failures reported");
            assertThat(onThread.failure()).hasMessageContaining("#2");
            assertThat(onExecutor.failure()).hasMessageContaining("at once");
            assertThat(onThread.isClosed()).isTrue();
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(100);
            assertThat(bus.latestSequence()).isEqualTo(100);
        }
        finally
        {
            executor.shutdownNow();
        }
    }
}
