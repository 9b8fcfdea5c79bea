package io.statebus;

import org.junit.jupiter.api.AfterEach;
import io.statebus.read.Reader;
import io.statebus.read.Subscriptions;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.statebus.Connection.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Guarantee 7 at its edges: how each await ends, and that an ended await holds nothing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AwaitEdgeCasesTest
{
    private static final List<Integer> INTEGERS = TestStates.integers(7);
    private static final List<Integer> THREE = TestStates.integers(3);

    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void shutdown()
    {
        pool.shutdownNow();
    }

    @Test
    void anAwaitForTheCurrentStateAnswersAtOnceAndSaysSo() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).noClock().build())
        {
            bus.set(CONNECTING);
            final Awaited<Connection> awaited = bus.await(CONNECTING, 0, TimeUnit.SECONDS);
            assertThat(awaited.outcome()).isEqualTo(Awaited.Outcome.ALREADY);
            assertThat(awaited.transition()).isEqualTo(Transition.of(1, DISCONNECTED, CONNECTING, 0));
            assertThat(bus.await(DISCONNECTED::equals, 0, TimeUnit.SECONDS).outcome())
                .isEqualTo(Awaited.Outcome.TIMED_OUT);
            assertThat(bus.awaitAsync(s -> s == CONNECTING, 1, TimeUnit.SECONDS, pool).get().sequence()).isEqualTo(1);
            assertThat(bus.subscriptionCount()).isZero();
        }
    }

    @Test
    void anAwaitTimesOutWithoutAMatchAndLeavesNothingBehind() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            final Awaited<Connection> awaited = bus.await(CLOSED, 20, TimeUnit.MILLISECONDS);
            assertThat(awaited.outcome()).isEqualTo(Awaited.Outcome.TIMED_OUT);
            assertThat(awaited.transition()).isNull();
            assertThat(bus.subscriptionCount()).isZero();
            assertThat(bus.awaitChange(0, TimeUnit.SECONDS).outcome()).isEqualTo(Awaited.Outcome.TIMED_OUT);
        }
    }

    @Test
    void awaitChangeReturnsTheNextTransitionWhateverItIs() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            final CompletableFuture<Awaited<Connection>> change = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return bus.awaitChange(10, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }, pool);
            TestAwait.until(() -> bus.subscriptionCount() == 1, "awaitChange joined");
            bus.set(CONNECTING);
            assertThat(change.get(10, TimeUnit.SECONDS).transition()).isEqualTo(Transition.of(1, DISCONNECTED,
                CONNECTING, change.get().transition().timestampNanos()));
        }
    }

    @Test
    void anInterruptedAwaitThrowsAndUngatesTheProducer() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(4).build())
        {
            final AtomicReference<Throwable> thrown = new AtomicReference<>();
            final Thread awaiter = new Thread(() ->
            {
                try
                {
                    bus.await(CLOSED, 30, TimeUnit.SECONDS);
                }
                catch (final Throwable ex)
                {
                    thrown.set(ex);
                }
            });
            awaiter.start();
            TestAwait.until(() -> bus.subscriptionCount() == 1, "the await joined");
            awaiter.interrupt();
            awaiter.join(10_000);
            assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
            fillWholeRing(bus);
        }
    }

    @Test
    void closingTheBusReleasesAWaitingAwaitWithAClearException() throws Exception
    {
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build();
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread awaiter = new Thread(() ->
        {
            try
            {
                bus.await(CLOSED, 30, TimeUnit.SECONDS);
            }
            catch (final Throwable ex)
            {
                thrown.set(ex);
            }
        });
        awaiter.start();
        final CompletableFuture<Transition<Connection>> future = bus.awaitAsync(s -> s == CLOSED, 30,
            TimeUnit.SECONDS, pool);
        TestAwait.until(() -> bus.subscriptionCount() == 2, "both awaits joined");
        bus.close();
        awaiter.join(10_000);
        assertThat(awaiter.isAlive()).isFalse();
        assertThat(thrown.get()).isInstanceOf(StateBusClosedException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(StateBusClosedException.class);
    }

    @Test
    void anAwaitThatMatchesBeforeTheBusClosesStillReturnsTheMatch() throws Exception
    {
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build();
        final CompletableFuture<Transition<Connection>> future = bus.awaitAsync(s -> s == CLOSED, 30,
            TimeUnit.SECONDS, Runnable::run);
        bus.set(CLOSING);
        bus.set(CLOSED);
        bus.close();
        assertThat(future.get(10, TimeUnit.SECONDS).sequence()).isEqualTo(2);
    }

    @Test
    void aGapAwaitThatWasLappedSaysItCannotTell() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(4).awaitPolicy(Policy.GAP).build())
        {
            final CountDownLatch inPredicate = new CountDownLatch(1);
            final CountDownLatch lapped = new CountDownLatch(1);
            final AtomicReference<Object> result = new AtomicReference<>();
            final Thread awaiter = new Thread(() ->
            {
                try
                {
                    result.set(bus.await(s ->
                    {
                        if (s == CONNECTING)
                        {
                            inPredicate.countDown(); // hold the awaiter here while the producer laps it
                            try
                            {
                                lapped.await();
                            }
                            catch (final InterruptedException ex)
                            {
                                Thread.currentThread().interrupt();
                            }
                        }
                        return s == CLOSED;
                    }, 30, TimeUnit.SECONDS));
                }
                catch (final Throwable ex)
                {
                    result.set(ex);
                }
            });
            awaiter.start();
            TestAwait.until(() -> bus.subscriptionCount() == 1, "the await joined");
            bus.set(CONNECTING);
            assertThat(inPredicate.await(10, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 5; i++)
            {
                bus.set(CONNECTED);
                bus.set(CLOSING);
            }
            bus.set(CLOSED); // the match happened while the await could not see it
            for (int i = 0; i < 8; i++)
            {
                bus.set(CONNECTING);
                bus.set(CONNECTED);
            }
            lapped.countDown();
            awaiter.join(10_000);
            assertThat(result.get()).isInstanceOf(Awaited.class);
            final Awaited<?> awaited = (Awaited<?>)result.get();
            assertThat(awaited.outcome()).isEqualTo(Awaited.Outcome.LAPPED);
            assertThat(awaited.missed()).isPositive();
            assertThat(awaited.transition()).isNull();
        }
    }

    /**
     * Guarantee 7 for the future form: a GAP await lapped before it could look (its executor holds every task
     * until the ring has gone round twice, the match included) completes with {@link LappedException}, never with
     * a wrong transition and never by timing out.
     */
    @Test
    void aLappedAsyncAwaitCompletesWithLappedException() throws Exception
    {
        final ConcurrentLinkedQueue<Runnable> held = new ConcurrentLinkedQueue<>();
        try (StateBus<Connection> bus =
                 StateBus.builder(DISCONNECTED).capacity(4).noClock().awaitPolicy(Policy.GAP).build())
        {
            final CompletableFuture<Transition<Connection>> future =
                bus.awaitAsync(s -> s == CLOSED, 30, TimeUnit.SECONDS, held::add);
            bus.set(CONNECTING);
            bus.set(CONNECTED);
            bus.set(CLOSING);
            bus.set(CLOSED); // the match, published while the await's executor runs nothing
            for (int i = 0; i < 4; i++)
            {
                bus.set(DISCONNECTED);
                bus.set(CONNECTING);
            }
            Runnable task;
            while (!future.isDone() && (task = held.poll()) != null)
            {
                task.run();
            }
            assertThat(future).isCompletedExceptionally();
            final Throwable cause = catchThrowable(future::get).getCause();
            assertThat(cause).isInstanceOf(LappedException.class);
            assertThat(((LappedException)cause).missed()).isPositive();
            TestAwait.until(() -> bus.subscriptionCount() == 0, "the lapped await's subscription is closed");
        }
    }

    @Test
    void cancelledAndTimedOutFuturesLeaveNoGatingSequenceBehind() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            final CompletableFuture<Transition<Connection>> cancelled =
                bus.awaitAsync(s -> s == CLOSED, 30, TimeUnit.SECONDS, pool);
            assertThat(bus.subscriptionCount()).isEqualTo(1); // counted before the 10 ms one, which may end at once
            final CompletableFuture<Transition<Connection>> timedOut =
                bus.awaitAsync(s -> s == CLOSED, 10, TimeUnit.MILLISECONDS, pool);
            cancelled.cancel(false);
            assertThatThrownBy(cancelled::join).isInstanceOf(CancellationException.class);
            assertThatThrownBy(() -> timedOut.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
            TestAwait.until(() -> bus.subscriptionCount() == 0, "the futures' subscriptions are closed");
            fillWholeRing(bus);
        }
    }

    @Test
    void aFutureCompletesWithTheFirstMatchingTransition() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            final CompletableFuture<Transition<Connection>> closing =
                bus.awaitAsync(s -> s == CLOSING, 10, TimeUnit.SECONDS, pool);
            bus.set(CONNECTING);
            bus.set(CLOSING);
            bus.set(CLOSED);
            bus.set(CLOSING);
            assertThat(closing.get(10, TimeUnit.SECONDS).sequence()).isEqualTo(2);
            assertThat(closing.get().from()).isEqualTo(CONNECTING);
            TestAwait.until(() -> bus.subscriptionCount() == 0, "the future's subscription is closed");
        }
    }

    /** Publishes more than a whole ring with no consumer: only possible if nothing gates the producer. */
    private static void fillWholeRing(final StateBus<Connection> bus) throws InterruptedException
    {
        for (int i = 0; i < bus.capacity() * 3; i++)
        {
            assertThat(bus.trySet(i % 2 == 0 ? CONNECTED : CONNECTING, 0, TimeUnit.SECONDS))
                .as("transition %d must not wait for a gone await", i).isTrue();
        }
    }

    /**
     * Any completion of an async await closes its subscription before the future's dependents run: a continuation
     * that publishes on a full ring is not held back by the await that has already answered.
     */
    @Test
    void aContinuationOfAMatchedFutureIsNotHeldBackByTheFinishedAwait() throws Exception
    {
        final ExecutorService single = Executors.newSingleThreadExecutor();
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(2)
            .producerMode(ProducerMode.MULTI).build())
        {
            final CountDownLatch hold = new CountDownLatch(1);
            single.execute(() ->
            {
                try
                {
                    hold.await();
                }
                catch (final InterruptedException ignore)
                {
                    Thread.currentThread().interrupt();
                }
            });
            final CompletableFuture<Transition<Connection>> connecting =
                bus.awaitAsync(s -> s == CONNECTING, 30, TimeUnit.SECONDS, single);
            final CompletableFuture<Boolean> next = connecting.thenApply(t ->
            {
                try
                {
                    return bus.trySet(CLOSING, 2, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    throw new IllegalStateException(ex);
                }
            });
            bus.set(CONNECTING);
            bus.set(CONNECTED); // the ring (2) is now full up to the await's gate
            hold.countDown();
            assertThat(next.get(20, TimeUnit.SECONDS)).as("the continuation's trySet").isTrue();
        }
        finally
        {
            single.shutdownNow();
        }
    }

    /**
     * A predicate that throws an Error on the executor completes the future with it, at once, and leaves nothing
     * subscribed (not a TimeoutException at the deadline).
     */
    @Test
    void aFutureWhosePredicateThrowsAnErrorCompletesWithIt() throws Exception
    {
        // the Error is also rethrown to the executor's thread (an Error is not the bus's to swallow): this
        // executor's thread records it instead of letting the default handler print it
        final AssertionError broke = new AssertionError("predicate broke");
        final CompletableFuture<Throwable> uncaught = new CompletableFuture<>();
        final ExecutorService recording = Executors.newSingleThreadExecutor(task ->
        {
            final Thread thread = new Thread(task, "recording-executor");
            thread.setDaemon(true);
            thread.setUncaughtExceptionHandler((t, ex) -> uncaught.complete(ex));
            return thread;
        });
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            final CompletableFuture<Transition<Connection>> future = bus.awaitAsync(s ->
            {
                if (s == CONNECTED)
                {
                    throw broke;
                }
                return false;
            }, 30, TimeUnit.SECONDS, recording);
            bus.set(CONNECTING);
            bus.set(CONNECTED);
            assertThatThrownBy(() -> future.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCause(broke);
            assertThat(uncaught.get(20, TimeUnit.SECONDS)).as("what the executor's thread saw").isSameAs(broke);
            TestAwait.until(() -> bus.subscriptionCount() == 0, "the future's subscription is closed");
        }
        finally
        {
            recording.shutdownNow();
        }
    }

    /**
     * A blocking await ends on an interrupt even while a transition is pending every time it looks (here the
     * predicate publishes the next one itself, so the await never needs to park).
     */
    @Test
    void anAwaitEndsOnAnInterruptEvenWhileTransitionsKeepComing() throws Exception
    {
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8)
            .producerMode(ProducerMode.MULTI).build();
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final CountDownLatch ended = new CountDownLatch(1);
        final Thread awaiter = new Thread(() ->
        {
            try
            {
                // a busy stream: by the time the awaiter looks again, another transition is always pending
                bus.await(s ->
                {
                    bus.set(s == CONNECTING ? CONNECTED : CONNECTING);
                    return s == CLOSED;
                }, 30, TimeUnit.SECONDS);
            }
            catch (final Throwable ex)
            {
                thrown.set(ex);
            }
            ended.countDown();
        });
        awaiter.start();
        TestAwait.until(() -> bus.latestSequence() > 1000, "the stream runs");
        awaiter.interrupt();
        final boolean endedInTime = ended.await(5, TimeUnit.SECONDS);
        bus.close(); // ends the awaiter either way
        ended.await();
        assertThat(endedInTime).as("await ended within 5 s of the interrupt").isTrue();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
    }

    /**
     * ALREADY carries the transition that led to the current state, even if the producer laps its slot while the
     * predicate runs (a ring of two, which the await's gate at its join point allows): never a made-up
     * {@code 1 -> 1} with timestamp 0.
     */
    @Test
    void anAlreadyAnswerCarriesTheTransitionThatLedToTheStateEvenIfTheProducerMovedOnMeanwhile() throws Exception
    {
        try (StateBus<Integer> bus = StateBus.builder(0, INTEGERS).capacity(2).clock(SystemNanoClock.INSTANCE).build())
        {
            final long first = bus.set(1);
            final CountDownLatch inPredicate = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            final AtomicBoolean once = new AtomicBoolean();
            final CompletableFuture<Awaited<Integer>> result = new CompletableFuture<>();
            final Thread awaiter = new Thread(() ->
            {
                try
                {
                    result.complete(bus.await(s ->
                    {
                        if (once.compareAndSet(false, true))
                        {
                            inPredicate.countDown();
                            try
                            {
                                release.await();
                            }
                            catch (final InterruptedException ex)
                            {
                                throw new IllegalStateException(ex);
                            }
                        }
                        return s == 1;
                    }, 10, TimeUnit.SECONDS));
                }
                catch (final Throwable ex)
                {
                    result.completeExceptionally(ex);
                }
            }, "awaiter");
            awaiter.start();
            inPredicate.await();
            bus.set(2); // the await's gate is at #1: #2 and #3 fit a ring of two
            bus.set(3);
            release.countDown();
            final Awaited<Integer> awaited = result.get(10, TimeUnit.SECONDS);
            awaiter.join();

            assertThat(awaited.outcome()).isEqualTo(Awaited.Outcome.ALREADY);
            assertThat(awaited.transition().sequence()).isEqualTo(first);
            assertThat(awaited.transition().from()).as("%s", awaited.transition()).isEqualTo(0);
            assertThat(awaited.transition().to()).isEqualTo(1);
            assertThat(awaited.transition().timestampNanos()).isPositive();
        }
    }

    /** The same for awaitAsync on a state that already matches. */
    @Test
    void anAwaitAsyncOnAMatchingStateCompletesWithTheTransitionThatLedToIt() throws Exception
    {
        try (StateBus<Integer> bus = StateBus.builder(0, INTEGERS).capacity(2).clock(SystemNanoClock.INSTANCE).awaitPolicy(Policy.GAP).build())
        {
            final long first = bus.set(1);
            final AtomicBoolean once = new AtomicBoolean();
            // a predicate that, on its first call, lets the producer move on by a ring: here it publishes itself
            final Transition<Integer> t = bus.awaitAsync(s ->
            {
                if (once.compareAndSet(false, true))
                {
                    bus.set(2);
                    bus.set(3);
                }
                return s == 1;
            }, 10, TimeUnit.SECONDS, Runnable::run).get(10, TimeUnit.SECONDS);

            assertThat(t.sequence()).isEqualTo(first);
            assertThat(t.from()).as("%s", t).isEqualTo(0);
            assertThat(t.timestampNanos()).isPositive();
        }
    }

    /**
     * ALREADY never carries a made-up {@code X -> X} with timestamp 0, even when the producer laps the join slot
     * between the join and the read of the transition that led there (a GAP await on a ring of two).
     */
    @Test
    void anAlreadyAnswerNeverCarriesAMadeUpTransitionWhileTheProducerLaps() throws Exception
    {
        try (StateBus<Integer> bus = StateBus.builder(0, THREE).capacity(2).clock(SystemNanoClock.INSTANCE).awaitPolicy(Policy.GAP).build())
        {
            final Transition<Integer> madeUp = firstMadeUpAnswer(bus, () ->
            {
                final Awaited<Integer> awaited = bus.await(s -> s != 0, 1, TimeUnit.SECONDS);
                return awaited.outcome() == Awaited.Outcome.ALREADY ? awaited.transition() : null;
            });
            assertThat(madeUp).as("ALREADY carried a made-up transition").isNull();
        }
    }

    /** The same for awaitAsync with a BLOCK await: its gate at the join point still lets a ring's worth through. */
    @Test
    void anAwaitAsyncOnAMatchingStateNeverCompletesWithAMadeUpTransitionWhileTheProducerLaps() throws Exception
    {
        try (StateBus<Integer> bus = StateBus.builder(0, THREE).capacity(2).clock(SystemNanoClock.INSTANCE).build())
        {
            final Transition<Integer> madeUp = firstMadeUpAnswer(bus,
                () -> bus.awaitAsync(s -> s != 0, 1, TimeUnit.SECONDS, Runnable::run).get(10, TimeUnit.SECONDS));
            assertThat(madeUp).as("awaitAsync on a matching state completed with a made-up transition").isNull();
        }
    }

    /** An answer about the current state: the transition that led to it, or null when it was not an ALREADY. */
    private interface AlreadyAnswer
    {
        Transition<Integer> ask() throws Exception;
    }

    /**
     * Asks for 3 s while another thread publishes flat out; returns the first answer that is not a real
     * transition ({@code from == to} or no timestamp), or null.
     */
    private static Transition<Integer> firstMadeUpAnswer(final StateBus<Integer> bus, final AlreadyAnswer answer)
        throws Exception
    {
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread producer = new Thread(() ->
        {
            int i = 0;
            try
            {
                while (!stop.get())
                {
                    bus.set(1 + (i++ & 1));
                }
            }
            catch (final StateBusClosedException ignore)
            {
                // the test ended
            }
        }, "producer");
        producer.start();
        try
        {
            final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            for (int i = 0; i < 2_000_000 && System.nanoTime() < end; i++)
            {
                final Transition<Integer> t = answer.ask();
                if (t != null && t.sequence() > 0 && (t.from().equals(t.to()) || t.timestampNanos() == 0))
                {
                    return t;
                }
            }
            return null;
        }
        finally
        {
            stop.set(true);
            bus.close(); // releases the producer if it waits for capacity
            producer.join();
        }
    }

    /**
     * A cancelled future says cancelled, even when its delivery, running on the pool at that moment, finds the
     * subscription closed by the cancel: that "closed" is the cancel's own doing, not the bus's.
     */
    @Test
    void aCancelledFutureSaysCancelledEvenWhileItsDeliveryRuns()
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(1024).build())
        {
            int notCancelled = 0;
            String first = null;
            for (int i = 0; i < 5_000; i++)
            {
                final CompletableFuture<Transition<Connection>> future =
                    bus.awaitAsync(s -> s == CLOSED, 30, TimeUnit.SECONDS, pool);
                bus.set(i % 2 == 0 ? CONNECTING : DISCONNECTED); // work for the delivery, no match
                future.cancel(false);
                final Throwable thrown = catchThrowable(future::join);
                if (!(thrown instanceof CancellationException))
                {
                    notCancelled++;
                    first = first == null ? String.valueOf(thrown) : first;
                }
            }
            assertThat(notCancelled).as("futures not ended by their cancel; first: %s", first).isZero();
            TestAwait.until(() -> bus.subscriptionCount() == 0, "every cancelled future's subscription is closed");
        }
    }

    /**
     * A GAP await whose poll is lapped more than Subscription.MAX_LAPS_PER_POLL times returns from that poll with
     * its notice still pending: transitions went by unseen, so the answer is LAPPED, never TIMED_OUT.
     */
    @Test
    void aGapAwaitLappedManyTimesInOnePollNeverSaysTimedOut() throws Exception
    {
        final String wrong = whileAProducerLapsEveryGapAwait((bus, own) ->
        {
            final Awaited<Connection> r = bus.await(s -> own.capture() && s == CLOSED, 0, TimeUnit.SECONDS);
            return r.outcome() == Awaited.Outcome.TIMED_OUT && own.missed() > 0 ? r.toString() : null;
        });
        assertThat(wrong).as("an await that missed transitions said").isNull();
    }

    /** The await's own subscription, captured from inside its predicate (the newest subscription at that point). */
    private static final class OwnSubscription
    {
        final List<Reader<Connection>> all;
        volatile Reader<Connection> own;

        OwnSubscription(final List<Reader<Connection>> all)
        {
            this.all = all;
        }

        boolean capture()
        {
            if (own == null)
            {
                own = all.get(all.size() - 1); // the first test is of the join state, right after joining
            }
            return true;
        }

        long missed()
        {
            return own.missed();
        }
    }

    private interface OneGapAwait
    {
        /** Returns a description of a wrong answer, or null. */
        String run(StateBus<Connection> bus, OwnSubscription own) throws Exception;
    }

    /** Awaits, one after another for 5 s, on a ring of 2 that a producer laps flat out; the first wrong answer. */
    @SuppressWarnings("unchecked")
    private static String whileAProducerLapsEveryGapAwait(final OneGapAwait await) throws Exception
    {
        final StateBus<Connection> bus =
            StateBus.builder(DISCONNECTED).capacity(2).noClock().awaitPolicy(Policy.GAP).build();
        final Field open = Subscriptions.class.getDeclaredField("open");
        open.setAccessible(true);
        final List<Reader<Connection>> subscriptions = (List<Reader<Connection>>)open.get(bus.core().subscriptions());
        final AtomicBoolean stop = new AtomicBoolean();
        final Thread producer = new Thread(() ->
        {
            for (long i = 0; !stop.get() && i < 2_000_000_000L; i++)
            {
                bus.set((i & 1) == 0 ? CONNECTING : CONNECTED);
            }
        }, "producer");
        producer.setDaemon(true);
        producer.start();
        try
        {
            final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (System.nanoTime() - end < 0)
            {
                final String wrong = await.run(bus, new OwnSubscription(subscriptions));
                if (wrong != null)
                {
                    return wrong;
                }
            }
            return null;
        }
        finally
        {
            stop.set(true);
            producer.join(5_000);
            bus.close();
        }
    }
}
