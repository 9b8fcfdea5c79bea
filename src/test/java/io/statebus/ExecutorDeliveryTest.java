package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.statebus.Connection.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * "Ways to consume: executor": callbacks on the user's executor, every transition in order, never two at once for
 * one subscription, bounded by the ring.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExecutorDeliveryTest
{
    private static final int STATES = 7;
    private static final int TRANSITIONS = 300_000;

    /** Checks order, chain and overlap on whichever pool thread it runs. */
    static final class CheckingHandler implements TransitionHandler<Integer>
    {
        final AtomicInteger inside = new AtomicInteger();
        final AtomicLong overlaps = new AtomicLong();
        final AtomicLong outOfOrder = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final List<String> threads = new ArrayList<>();
        long expected;
        int previousTo;

        CheckingHandler(final long firstExpected, final int joinState)
        {
            expected = firstExpected;
            previousTo = joinState;
        }

        @Override
        public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
        {
            if (inside.incrementAndGet() != 1)
            {
                overlaps.incrementAndGet();
            }
            // plain fields: safe only if deliveries never overlap and each happens-before the next
            if (t.sequence() != expected || t.from() != previousTo || t.to() != (int)(t.sequence() % STATES))
            {
                outOfOrder.incrementAndGet();
            }
            expected = t.sequence() + 1;
            previousTo = t.to();
            final String name = Thread.currentThread().getName();
            if (!threads.contains(name))
            {
                threads.add(name);
            }
            inside.decrementAndGet();
            received.incrementAndGet();
        }
    }

    @Test
    void everyTransitionArrivesInOrderAndNeverTwoAtOnceOnAMultiThreadedExecutor() throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        final List<Integer> states = new ArrayList<>();
        for (int i = 0; i < STATES; i++)
        {
            states.add(i);
        }
        try (StateBus<Integer> bus = StateBus.builder(0, states).capacity(64).build())
        {
            final CheckingHandler block = new CheckingHandler(1, 0);
            final CheckingHandler gap = new CheckingHandler(1, 0);
            final Subscription<Integer> blockSub = bus.subscribe(Policy.BLOCK, block, pool);
            final Subscription<Integer> gapSub = bus.subscribe(Policy.GAP, new TransitionHandler<>()
            {
                @Override
                public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
                {
                    gap.onTransition(t, endOfBatch);
                }

                @Override
                public void onGap(final Gap<Integer> g)
                {
                    gap.expected = g.lastMissed() + 1;
                    gap.previousTo = g.resumeState();
                }
            }, pool);

            for (int s = 1; s <= TRANSITIONS; s++)
            {
                bus.set(s % STATES);
            }
            TestAwait.until(() -> blockSub.position() == TRANSITIONS && gapSub.position() == TRANSITIONS,
                "both executor subscriptions caught up");

            assertThat(block.received.get()).isEqualTo(TRANSITIONS);
            assertThat(blockSub.delivered()).isEqualTo(TRANSITIONS);
            assertThat(block.overlaps.get()).isZero();
            assertThat(block.outOfOrder.get()).isZero();
            assertThat(gap.overlaps.get()).isZero();
            assertThat(gap.outOfOrder.get()).isZero();
            assertThat(gapSub.delivered() + gapSub.missed()).isEqualTo(TRANSITIONS);
            // the tasks really ran on more than one pool thread, so the checks above meant something
            assertThat(block.threads.size() + gap.threads.size()).isGreaterThan(2);
            assertThat(blockSub.isClosed()).isFalse();
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    @Test
    void aSlowExecutorSubscriptionHoldsTheProducerAtOneRingNotAHiddenQueue() throws Exception
    {
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (StateBus<Integer> bus = StateBus.builder(0, List.of(0, 1)).capacity(16).build())
        {
            final Subscription<Integer> sub = bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }, pool);
            int published = 0;
            while (bus.trySet(published % 2 == 0 ? 1 : 0, 0, TimeUnit.SECONDS))
            {
                published++;
                assertThat(published).isLessThanOrEqualTo(16 + 1);
            }
            // one transition is in the stuck handler, the ring holds the rest: nothing is buffered elsewhere
            assertThat(published).isBetween(16, 17);
            release.countDown();
            final int total = published;
            TestAwait.until(() -> sub.delivered() == total, "the executor drained the ring");
            assertThat(bus.trySet(total % 2 == 0 ? 1 : 0, 1, TimeUnit.SECONDS)).isTrue();
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    @Test
    void aThrowingCallbackFailsOnlyItsSubscription() throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try (StateBus<Integer> bus = StateBus.builder(0, List.of(0, 1)).capacity(8).build())
        {
            final Subscription<Integer> failing = bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                throw new IllegalStateException("boom at " + t.sequence());
            }, pool);
            final AtomicLong healthy = new AtomicLong();
            final Subscription<Integer> other = bus.subscribe(Policy.BLOCK, (t, end) -> healthy.incrementAndGet(),
                pool);
            for (int i = 1; i <= 100; i++)
            {
                bus.set(i % 2);
            }
            TestAwait.until(() -> healthy.get() == 100, "the healthy subscription received everything");
            TestAwait.until(failing::isClosed, "the failing subscription failed");
            assertThat(failing.failure()).hasMessage("boom at 1");
            assertThat(other.isClosed()).isFalse();
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    /**
     * Isolation where it is hardest to keep: a same-thread executor runs handlers inside the producer's own
     * {@code set}, yet neither an exception nor an {@code Error} thrown there reaches the producer or the other
     * subscriptions; each ends only its own subscription, with what it threw as the failure. A single-producer bus
     * whose producer published before it subscribed: only then do the deliveries run inside its sets alone (on a
     * many-producer bus the registration check may run one on the JDK's delay thread, after the set returned).
     */
    @Test
    void aThrowingHandlerOnTheProducersOwnThreadNeverReachesTheProducer()
    {
        try (StateBus<Integer> bus = StateBus.builder(0, List.of(0, 1)).capacity(8)
            .producerMode(ProducerMode.SINGLE).build())
        {
            bus.set(1); // the test thread now owns the bus: deliveries run inside its sets, not on a recheck thread
            final Thread producer = Thread.currentThread();
            final AtomicReference<Thread> ranOn = new AtomicReference<>();
            final Subscription<Integer> throwsException = bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                ranOn.set(Thread.currentThread());
                throw new IllegalStateException("boom at " + t.sequence());
            }, Runnable::run);
            final Subscription<Integer> throwsError = bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                throw new AssertionError("error at " + t.sequence());
            }, Runnable::run);
            final AtomicLong healthy = new AtomicLong();
            final Subscription<Integer> other = bus.subscribe(Policy.BLOCK, (t, end) -> healthy.incrementAndGet(),
                Runnable::run);
            for (int i = 0; i < 100; i++)
            {
                bus.set(i % 2); // 1 -> 0 -> 1 ...: every set publishes, and none of them throws
            }
            assertThat(ranOn.get()).isSameAs(producer);
            assertThat(throwsException.isClosed()).isTrue();
            assertThat(throwsException.failure()).isInstanceOf(IllegalStateException.class).hasMessage("boom at 2");
            assertThat(throwsError.isClosed()).isTrue();
            assertThat(throwsError.failure()).isInstanceOf(AssertionError.class).hasMessage("error at 2");
            assertThat(healthy.get()).isEqualTo(100);
            assertThat(other.isClosed()).isFalse();
            assertThat(bus.latestSequence()).isEqualTo(101);
        }
    }

    /**
     * A same-thread executor runs the handler inside the producer's {@code set}. On a multi-producer bus that
     * happens after the producer lock is released, so a handler may publish (and close) without deadlocking.
     */
    @Test
    void aSameThreadExecutorHandlerMayPublishOnAMultiProducerBus() throws Exception
    {
        final StateBus<Integer> bus = StateBus.builder(0, List.of(0, 1, 2)).capacity(8)
            .producerMode(ProducerMode.MULTI).build();
        // the registration's recheck may run a drain on the JDK's delay thread instead: hence a concurrent list
        final List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        bus.subscribe(Policy.BLOCK, (t, end) ->
        {
            seen.add(t.from() + "->" + t.to());
            if (t.to() == 1)
            {
                bus.set(2); // re-enters the bus from inside the outer set(1)
            }
        }, Runnable::run);
        final Thread producer = new Thread(() -> bus.set(1), "producer");
        producer.setDaemon(true); // a deadlocked producer must not keep the test JVM alive
        producer.start();
        producer.join(TimeUnit.SECONDS.toMillis(20));
        // not closed while the producer is stuck: close() would wait for the producer lock it holds
        assertThat(producer.isAlive()).as("the producer finished its set").isFalse();
        TestAwait.until(() -> seen.size() == 2, "both transitions were handled");
        assertThat(seen).containsExactly("0->1", "1->2");
        assertThat(bus.get()).isEqualTo(2);
        bus.set(0); // the lock is free for everyone else too
        TestAwait.until(() -> seen.size() == 3, "the third transition was handled");
        assertThat(seen).containsExactly("0->1", "1->2", "2->0");
        bus.close();
    }

    /**
     * With a same-thread executor, on a single-producer bus whose producer subscribes after its first publish, the
     * handler runs only inside the producer's set (so it may publish), never on another thread: the registration
     * check after 50 µs does not run it from the JDK's delay thread.
     */
    @Test
    void aSameThreadExecutorHandlerRunsOnlyInsideTheProducersSet()
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(1024).producerMode(ProducerMode.SINGLE).build())
        {
            final Thread producer = Thread.currentThread();
            bus.set(CONNECTING); // the producer's first publish: from now on no other thread may publish
            final AtomicReference<String> foreign = new AtomicReference<>();
            for (int round = 0; round < 500; round++)
            {
                final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK, (t, end) ->
                {
                    if (Thread.currentThread() != producer)
                    {
                        foreign.compareAndSet(null, Thread.currentThread().getName());
                    }
                    if (t.to() == CONNECTED)
                    {
                        bus.set(CLOSING); // allowed: the handler runs inside the producer's set
                    }
                }, Runnable::run);
                for (int i = 0; i < 400; i++) // well past the 50 us registration window
                {
                    bus.set(CONNECTING);
                    bus.set(CONNECTED);
                }
                final Throwable failure = sub.failure();
                sub.close();
                assertThat(failure).as("round %d", round).isNull();
            }
            assertThat(foreign.get()).as("a thread other than the producer ran the handler").isNull();
        }
    }

    /**
     * A same-thread executor drains a backlog of a whole ring (here published by the handler itself) without one
     * level of recursion per batch, so the stack does not overflow. A single-producer bus whose producer published
     * before it subscribed, as in {@link #aSameThreadExecutorHandlerRunsOnlyInsideTheProducersSet}: the drain then
     * runs inside the producer's own set, never on the JDK's delay thread (on a many-producer bus the registration
     * check may take it there, and the producer's join would not wait for it).
     */
    @Test
    void aSameThreadExecutorDrainsABacklogWithoutRecursingPerBatch() throws Exception
    {
        final int capacity = 1 << 20;
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(capacity).noClock()
            .producerMode(ProducerMode.SINGLE).build())
        {
            final long[] received = new long[1];
            final AtomicReference<Subscription<Connection>> sub = new AtomicReference<>();
            final AtomicReference<Throwable> thrown = new AtomicReference<>();
            final Thread producer = new Thread(null, () ->
            {
                try
                {
                    bus.set(CONNECTED); // #1, before the subscription: this thread owns the bus from now on
                    sub.set(bus.subscribe(Policy.BLOCK, (t, end) ->
                    {
                        received[0]++;
                        if (t.sequence() == 2)
                        {
                            for (int i = 0; i < capacity - 8; i++) // a handler may publish: fits in the ring
                            {
                                bus.set(i % 2 == 0 ? CONNECTED : CONNECTING);
                            }
                        }
                    }, Runnable::run));
                    bus.set(CONNECTING); // #2
                }
                catch (final Throwable ex)
                {
                    thrown.set(ex);
                }
            }, "producer", 0);
            producer.start();
            producer.join(30_000);
            assertThat(thrown.get()).isNull();
            assertThat(sub.get().failure()).as("the subscription's failure").isNull();
            assertThat(received[0]).isEqualTo(capacity - 7);
        }
    }

    /** The awaitAsync Javadoc: StateBusClosedException "if the bus closes first", whatever the executor does then. */
    @Test
    void anAwaitFutureSaysClosedWhenItsExecutorRefusesTheDrainAfterTheBusClosed() throws Exception
    {
        final ThreadPoolExecutor pool =
            new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).build())
        {
            final CompletableFuture<Transition<Connection>> future =
                bus.awaitAsync(s -> s == CLOSED, 20, TimeUnit.SECONDS, pool);
            // the first drain and the registration recheck ran (and found nothing) before the pool shuts down
            TestAwait.until(() -> pool.getCompletedTaskCount() >= 2, "the await's first drain and its recheck ran");
            pool.shutdown();
            assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();

            bus.close(); // its final drain is refused by the shut-down pool

            final Throwable thrown = catchThrowable(() -> future.get(5, TimeUnit.SECONDS));
            assertThat(thrown).isInstanceOf(ExecutionException.class);
            assertThat(thrown.getCause()).isInstanceOf(StateBusClosedException.class)
                .hasCauseInstanceOf(RejectedExecutionException.class);
        }
        finally
        {
            pool.shutdownNow();
        }
    }
}
