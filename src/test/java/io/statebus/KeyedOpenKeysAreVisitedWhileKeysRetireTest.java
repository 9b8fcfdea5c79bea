package io.statebus;

import org.agrona.collections.LongHashSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.statebus.Connection.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link KeyedStateBus#forEachOpenKey} ends, and visits every key open during the whole call exactly once, while
 * the producer opens and retires other keys without a pause (retiring moves keys of the same probe chain back, under
 * the pass): a transport's snapshot of a busy bus must not wait for the bus to go quiet.
 */
@Timeout(120)
final class KeyedOpenKeysAreVisitedWhileKeysRetireTest
{
    private static final int STABLE = 500_000;

    @Test
    void everyKeyOpenThroughoutIsVisitedOnceAndTheVisitEnds() throws Exception
    {
        whileChurning(1 << 20, STABLE, (bus, retired) ->
        {
            for (int visit = 0; visit < 4; visit++)
            {
                final long retiredBefore = retired.get();
                visitWithin(bus, STABLE, 20, 1);
                assertThat(retired.get()).as("keys retired during visit %d", visit).isGreaterThan(retiredBefore);
            }
        });
    }

    /**
     * A small table, a third of it stable keys, the rest opened and retired all the time: retirements move the stable
     * keys back and forth under every pass, so a pass that kept a copy a move made wrong misses or repeats one.
     */
    @Test
    void aKeyMovedByRetirementsWhileThePassGoesByIsVisitedOnce() throws Exception
    {
        final int stable = 40;
        whileChurning(120, stable, (bus, retired) ->
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            int visits = 0;
            while (System.nanoTime() - deadline < 0 || visits < 100_000)
            {
                visitWithin(bus, stable, 20, 1000); // back to back: passes overlap as many retirements as can be
                visits += 1000;
            }
            assertThat(retired.get()).as("keys retired meanwhile").isGreaterThan(visits);
        });
    }

    /** What a test does on its own thread while {@link #churn} runs. */
    private interface WhileChurning
    {
        void run(KeyedStateBus<Connection> bus, AtomicLong retired) throws Exception;
    }

    /** Opens {@code stable} keys and churns others on a producer thread, runs {@code test}, then stops it. */
    private static void whileChurning(final int maxKeys, final int stable, final WhileChurning test) throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).maxKeys(maxKeys)
            .capacity(1024).producerMode(ProducerMode.SINGLE).build())
        {
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicLong retired = new AtomicLong();
            final CountDownLatch stableOpen = new CountDownLatch(1);
            final Thread producer = new Thread(() -> churn(bus, stable, stop, retired, stableOpen), "churn");
            producer.start();
            try
            {
                assertThat(stableOpen.await(60, TimeUnit.SECONDS)).isTrue();
                test.run(bus, retired);
            }
            finally
            {
                stop.set(true);
                producer.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertThat(producer.isAlive()).isFalse();
        }
    }

    /** The stable keys first, then one key opened and retired after another (60 at a time), until told to stop. */
    private static void churn(final KeyedStateBus<Connection> bus, final int stable, final AtomicBoolean stop,
        final AtomicLong retired, final CountDownLatch ready)
    {
        for (long key = 0; key < stable; key++)
        {
            bus.open(key, DISCONNECTED);
        }
        ready.countDown();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90); // bounded even if the test fails
        final long window = 60;
        for (long key = stable; !stop.get() && System.nanoTime() - deadline < 0; key++)
        {
            bus.open(key, DISCONNECTED);
            if (key - stable >= window)
            {
                bus.retire(key - window); // keys of every age retire: the moves reach all over the table
                retired.lazySet(key - stable - window + 1);
            }
        }
    }

    /**
     * Visits on another thread, so a visit that never ends fails the test with a message instead of hanging; each
     * must visit every stable key (0 to {@code stable - 1}, open throughout) and no key twice.
     */
    private static void visitWithin(final KeyedStateBus<Connection> bus, final int stable, final int seconds,
        final int visits) throws Exception
    {
        final CompletableFuture<Void> visit = CompletableFuture.runAsync(() ->
        {
            final LongHashSet keys = new LongHashSet(4 * stable);
            for (int v = 0; v < visits; v++)
            {
                keys.clear();
                bus.forEachOpenKey((key, state, sequence) ->
                {
                    if (!keys.add(key))
                    {
                        throw new AssertionError("key " + key + " visited twice");
                    }
                });
                for (long key = 0; key < stable; key++)
                {
                    if (!keys.contains(key))
                    {
                        throw new AssertionError("key " + key + ", open throughout, was not visited");
                    }
                }
            }
        });
        try
        {
            visit.get(seconds, TimeUnit.SECONDS);
        }
        catch (final TimeoutException ex)
        {
            throw new AssertionError("forEachOpenKey did not end within " + seconds + " s while keys were retired");
        }
        catch (final ExecutionException ex)
        {
            throw new AssertionError(ex.getCause());
        }
    }
}
