package io.statebus;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantees 1 and 2 for a {@link LongStateBus}: a {@link Policy#BLOCK} subscription receives every transition
 * after its join point exactly once, in order, chained ({@code next.from == prev.to}, the first {@code from} the
 * join value), while a producer on another thread publishes; by poll, handler thread and executor, with one
 * producer or many. Every value is derivable from its sequence ({@link LongChainCheck#valueAt}), so a slot
 * overwritten before it was read, or read before it was written, fails the check.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LongValuesCompleteAndChainedTest
{
    private static final int TRANSITIONS = 300_000;

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProducerMode.class)
    void pollOnAnotherThreadReceivesEveryTransitionAfterTheJoinPointOnceInOrderChained(final ProducerMode mode)
        throws Exception
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(16).producerMode(mode).build())
        {
            final AtomicReference<Throwable> producerFailure = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    LongChainCheck.publish(bus, 100 + TRANSITIONS);
                }
                catch (final Throwable ex)
                {
                    producerFailure.set(ex);
                }
            }, "producer");
            producer.start();
            TestAwait.until(() -> bus.latestSequence() >= 100 || !producer.isAlive(), "100 transitions published");
            final LongSubscription sub = bus.subscribe(Policy.BLOCK); // joins mid-stream
            assertThat(sub.joinValue()).isEqualTo(LongChainCheck.valueAt(sub.joinSequence()));
            final LongChainCheck check = new LongChainCheck(sub, TRANSITIONS + 100);
            final IdleStrategy idle = new BackoffIdleStrategy();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (sub.position() < TRANSITIONS + 100 && System.nanoTime() - deadline < 0)
            {
                idle.idle(sub.poll(check, 10));
            }
            TestAwait.ended(producer);

            assertThat(producerFailure.get()).isNull();
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(TRANSITIONS + 100 - sub.joinSequence());
            assertThat(sub.delivered()).isEqualTo(check.delivered);
            assertThat(sub.missed()).isZero();
            assertThat(bus.get()).isEqualTo(LongChainCheck.valueAt(TRANSITIONS + 100));
        }
    }

    @Test
    void twoProducersTransitionsAreChainedInTheRingsOrder() throws Exception
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(64).producerMode(ProducerMode.MULTI).build())
        {
            final LongSubscription sub = bus.subscribe(Policy.BLOCK);
            final Thread[] producers = new Thread[2];
            for (int p = 0; p < producers.length; p++)
            {
                final long base = (p + 1L) << 40;
                producers[p] = new Thread(() ->
                {
                    for (long i = 1; i <= TRANSITIONS / 2; i++)
                    {
                        bus.set(base + i); // never equal to the other producer's values: every set publishes
                    }
                }, "producer-" + p);
                producers[p].start();
            }
            final long[] previousTo = {0};
            final long[] broken = {0};
            final long[] received = {0};
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (sub.position() < TRANSITIONS && System.nanoTime() - deadline < 0)
            {
                sub.poll((t, end) ->
                {
                    broken[0] += t.from() == previousTo[0] && t.sequence() == received[0] + 1 ? 0 : 1;
                    previousTo[0] = t.to();
                    received[0]++;
                }, 100);
            }
            for (final Thread producer : producers)
            {
                TestAwait.ended(producer);
            }
            assertThat(received[0]).isEqualTo(TRANSITIONS);
            assertThat(broken[0]).as("transitions whose from is not the previous to").isZero();
            assertThat(previousTo[0]).isEqualTo(bus.get());
        }
    }

    @Test
    void aHandlerThreadReceivesEveryTransitionOnceInOrderChained() throws Exception
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(16).build())
        {
            final LongChainCheck check = new LongChainCheck(0, 0, TRANSITIONS);
            final LongSubscription sub = bus.subscribe(Policy.BLOCK, check);
            LongChainCheck.publish(bus, TRANSITIONS);
            TestAwait.until(check::reachedLast, "the handler thread reached the last transition");
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(TRANSITIONS);
            assertThat(check.lastEndOfBatch).isTrue();
            TestAwait.until(() -> sub.delivered() == TRANSITIONS, "the delivered counter caught up");
        }
    }

    @Test
    void anExecutorSubscriptionReceivesEveryTransitionOnceInOrderChained() throws Exception
    {
        final ExecutorService executor = Executors.newSingleThreadExecutor();
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(16).build())
        {
            final LongChainCheck check = new LongChainCheck(0, 0, TRANSITIONS);
            bus.subscribe(Policy.BLOCK, check, executor);
            LongChainCheck.publish(bus, TRANSITIONS);
            TestAwait.until(check::reachedLast, "the executor reached the last transition");
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(TRANSITIONS);
        }
        finally
        {
            executor.shutdownNow();
        }
    }
}
