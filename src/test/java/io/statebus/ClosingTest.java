package io.statebus;

import io.statebus.agent.SubscriptionAgent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.statebus.Connection.CLOSED;
import static io.statebus.Connection.CLOSING;
import static io.statebus.Connection.CONNECTED;
import static io.statebus.Connection.CONNECTING;
import static io.statebus.Connection.DISCONNECTED;
import static io.statebus.TestStates.cycleAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guarantee 9: {@code close()} is idempotent; after it publishing fails with {@link StateBusClosedException} and
 * changes nothing; blocked producers and waiting consumers are released with that exception; handler threads end
 * after delivering what was published; pollers drain, then get the exception. Nothing hangs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClosingTest
{
    private static final int CAPACITY = 8;

    @Test
    void closeIsIdempotent()
    {
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(CAPACITY).build();
        final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
        bus.set(CONNECTING);
        bus.close();
        bus.close();
        bus.close();
        assertThat(bus.isClosed()).isTrue();
        assertThat(sub.isClosed()).isTrue();
        assertThat(bus.get()).isEqualTo(CONNECTING);
        sub.close();
        sub.close();
        assertThat(sub.isClosed()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void publishingAfterCloseThrowsAndChangesNothing(final ProducerMode mode)
    {
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(CAPACITY).producerMode(mode).build();
        final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
        bus.set(CONNECTING);
        bus.close();

        assertThatThrownBy(() -> bus.set(CONNECTED)).isInstanceOf(StateBusClosedException.class)
            .hasMessageContaining("closed");
        assertThatThrownBy(() -> bus.trySet(CONNECTED, 1, TimeUnit.SECONDS))
            .isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> bus.compareAndSet(CONNECTING, CONNECTED))
            .isInstanceOf(StateBusClosedException.class);
        // one that would fail on an open bus too: still the closed error, not false (and not without the lock)
        assertThatThrownBy(() -> bus.compareAndSet(CLOSED, CONNECTED)).isInstanceOf(StateBusClosedException.class);
        assertThat(bus.get()).isEqualTo(CONNECTING);
        assertThat(bus.latestSequence()).isEqualTo(1);

        final Recorder<Connection> recorder = new Recorder<>();
        assertThat(sub.poll(recorder, 10)).isEqualTo(1);
        assertThatThrownBy(() -> sub.poll(recorder, 10)).isInstanceOf(StateBusClosedException.class);
        assertThat(recorder.transitions).map(Transition::toString).containsExactly("#1 DISCONNECTED -> CONNECTING");
    }

    /** A set blocked by back-pressure, a timed set with a long deadline and (MULTI) a set queued behind them. */
    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void producersBlockedByBackPressureAreReleasedWithStateBusClosedException(final ProducerMode mode)
        throws Exception
    {
        final FirstIdleFixture idle = new FirstIdleFixture();
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(CAPACITY).producerMode(mode)
            .producerIdleStrategy(idle).build();
        final Subscription<Connection> stalled = bus.subscribe(Policy.BLOCK);
        final List<Thread> producers = new ArrayList<>();
        final List<AtomicReference<Throwable>> outcomes = new ArrayList<>();
        final AtomicReference<Throwable> blocked = new AtomicReference<>();
        producers.add(new Thread(() ->
        {
            try
            {
                for (int i = 1; i <= CAPACITY; i++)
                {
                    bus.set(cycleAt(i));
                }
                bus.set(cycleAt(CAPACITY + 1));
            }
            catch (final Throwable ex)
            {
                blocked.set(ex);
            }
        }, "blocked-in-set"));
        outcomes.add(blocked);
        producers.get(0).start();
        assertThat(idle.awaitProducerBlocked()).isTrue();
        if (mode == ProducerMode.MULTI)
        {
            for (final boolean timed : new boolean[] {false, true})
            {
                final AtomicReference<Throwable> outcome = new AtomicReference<>();
                final Thread queued = new Thread(() ->
                {
                    try
                    {
                        if (timed)
                        {
                            bus.trySet(CLOSED, 1, TimeUnit.HOURS);
                        }
                        else
                        {
                            bus.set(CLOSED);
                        }
                    }
                    catch (final Throwable ex)
                    {
                        outcome.set(ex);
                    }
                }, timed ? "queued-trySet" : "queued-set");
                queued.start();
                // it waits for the producer lock held by the blocked producer (the lock is internal: no fixture can
                // see it, so the thread's state does; a queued producer that had not reached the lock yet would meet
                // the closed bus instead, which this test accepts too)
                TestAwait.until(() -> queued.getState() == Thread.State.WAITING ||
                    queued.getState() == Thread.State.TIMED_WAITING || !queued.isAlive(), queued.getName() + " waits");
                producers.add(queued);
                outcomes.add(outcome);
            }
        }
        final Connection before = bus.get();

        bus.close();
        for (final Thread producer : producers)
        {
            TestAwait.ended(producer);
        }

        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.get())
            .isInstanceOf(StateBusClosedException.class)
            .hasMessageContaining("closed"));
        assertThat(bus.get()).isEqualTo(before);
        assertThat(bus.latestSequence()).isEqualTo(CAPACITY);
        // what was published before the close can still be drained
        final ChainCheckFixture<Connection> check = new ChainCheckFixture<>(stalled, CAPACITY, TestStates::cycleAt);
        assertThat(stalled.poll(check, 100)).isEqualTo(CAPACITY);
        assertThat(check.verdict()).isEqualTo("clean");
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void handlerThreadsDeliverWhatWasPublishedThenEnd(final Policy policy) throws Exception
    {
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(CAPACITY).build();
        final CountDownLatch inFirstCallback = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ChainCheckFixture<Connection> check =
            new ChainCheckFixture<>(0, DISCONNECTED, Long.MAX_VALUE, TestStates::cycleAt);
        final Subscription<Connection> busy = bus.subscribe(policy, (t, end) ->
        {
            inFirstCallback.countDown();
            try
            {
                release.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            check.onTransition(t, end);
        });
        final Subscription<Connection> idle = bus.subscribe(policy, (t, end) -> { });
        bus.set(cycleAt(1));
        assertThat(inFirstCallback.await(20, TimeUnit.SECONDS)).isTrue();
        // published after the busy thread's current batch (#1 alone), so only a drain on close can deliver them
        for (int i = 2; i <= 5; i++)
        {
            bus.set(cycleAt(i));
        }
        bus.close(); // while the busy handler thread is inside its first callback
        release.countDown();

        TestAwait.ended(busy.handlerThread());
        TestAwait.ended(idle.handlerThread());
        assertThat(check.verdict()).isEqualTo("clean");
        assertThat(check.delivered).as("every transition published before the close").isEqualTo(5);
        assertThat(busy.failure()).isNull();
    }

    @Test
    void aHandlerThreadWaitingForTransitionsEndsWhenTheBusCloses() throws Exception
    {
        final HandlerWaitFixture waits = new HandlerWaitFixture();
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(CAPACITY).waitStrategy(waits).build();
        final AtomicLong calls = new AtomicLong();
        final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK, (t, end) -> calls.incrementAndGet());
        assertThat(waits.awaitWaitingFor(sub.handlerThread(), 1)).as("the handler thread waits").isTrue();
        bus.close();
        TestAwait.ended(sub.handlerThread());
        assertThat(calls.get()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Policy.class)
    void pollDrainsWhatWasPublishedThenThrows(final Policy policy)
    {
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(CAPACITY).build();
        final Subscription<Connection> sub = bus.subscribe(policy);
        for (int i = 1; i <= 3; i++)
        {
            bus.set(cycleAt(i));
        }
        bus.close();
        final ChainCheckFixture<Connection> check = new ChainCheckFixture<>(sub, 3, TestStates::cycleAt);
        assertThat(sub.poll(check, 2)).isEqualTo(2);
        assertThat(sub.poll(check, 2)).isEqualTo(1);
        assertThatThrownBy(() -> sub.poll(check, 2)).isInstanceOf(StateBusClosedException.class)
            .hasMessageContaining("bus is closed");
        assertThatThrownBy(() -> sub.poll(check, 2)).isInstanceOf(StateBusClosedException.class);
        assertThat(check.verdict()).isEqualTo("clean");
        assertThat(check.delivered).isEqualTo(3);
    }

    /** When the bus closes, an agent delivers what was published before, then stops its runner: its thread ends. */
    @Test
    void anAgentDeliversWhatWasPublishedThenItsRunnerEndsWhenTheBusCloses() throws Exception
    {
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(CAPACITY).build();
        final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
        final ChainCheckFixture<Connection> check = new ChainCheckFixture<>(sub, 4, TestStates::cycleAt);
        for (int i = 1; i <= 4; i++)
        {
            bus.set(cycleAt(i));
        }
        bus.close();
        final List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        final AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), errors::add, null,
            new SubscriptionAgent<>("closing", sub, check, 3));
        final Thread runnerThread = AgentRunner.startOnThread(runner);
        try
        {
            TestAwait.ended(runnerThread);
        }
        finally
        {
            runner.close();
        }
        assertThat(check.verdict()).isEqualTo("clean");
        assertThat(check.delivered).isEqualTo(4);
        assertThat(sub.isClosed()).isTrue();
        // the only thing the runner may report is the agent asking it to stop
        assertThat(errors).allSatisfy(ex -> assertThat(ex).isInstanceOf(AgentTerminationException.class));
    }

    @Test
    void anAwaitingConsumerIsReleasedWithStateBusClosedException() throws Exception
    {
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(CAPACITY).build();
        final AtomicReference<Object> outcome = new AtomicReference<>();
        final Thread waiter = new Thread(() ->
        {
            try
            {
                outcome.set(bus.await(CLOSED, 1, TimeUnit.HOURS));
            }
            catch (final Throwable ex)
            {
                outcome.set(ex);
            }
        }, "awaiting");
        waiter.start();
        TestAwait.until(() -> bus.subscriptionCount() == 1, "the await joined");
        bus.close();
        TestAwait.ended(waiter);
        assertThat(outcome.get()).isInstanceOf(StateBusClosedException.class);
    }

    /**
     * The exact cut of a bus closed from its producer thread: a poller that loads the cursor just before the last
     * publish and sees the close just after must still receive that transition before it is told "closed". The
     * window is two loads wide, so this runs it many times with the poller spinning against set-then-close.
     */
    @Test
    void aPollerRacingSetThenCloseReceivesTheLastTransitionBeforeTheException() throws Exception
    {
        final int rounds = 20_000;
        final java.util.concurrent.SynchronousQueue<Subscription<Connection>> handOff =
            new java.util.concurrent.SynchronousQueue<>();
        final java.util.concurrent.SynchronousQueue<Long> counts = new java.util.concurrent.SynchronousQueue<>();
        final Thread poller = new Thread(() -> {
            try
            {
                for (int r = 0; r < rounds; r++)
                {
                    final Subscription<Connection> sub = handOff.take();
                    long received = 0;
                    final long[] box = new long[1];
                    try
                    {
                        while (true)
                        {
                            received += sub.poll((t, end) -> box[0]++, 16);
                        }
                    }
                    catch (final StateBusClosedException expected)
                    {
                        counts.put(received);
                    }
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "poller");
        poller.setDaemon(true);
        poller.start();
        int cutShort = 0;
        for (int r = 0; r < rounds; r++)
        {
            final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(CAPACITY).noClock().build();
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            handOff.put(sub);
            bus.set(CONNECTING);
            bus.close(); // from the producer thread: the exact cut, nothing published after it
            final Long received = counts.poll(10, TimeUnit.SECONDS);
            assertThat(received).as("round %d ended", r).isNotNull();
            if (received != 1)
            {
                cutShort++;
            }
        }
        assertThat(cutShort).as("rounds in which the poller was told 'closed' before the last transition").isZero();
    }

    @Test
    void subscribingAfterCloseThrows()
    {
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(CAPACITY).build();
        bus.set(CONNECTING);
        bus.close();
        assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK)).isInstanceOf(StateBusClosedException.class)
            .hasMessageContaining("cannot subscribe");
        assertThatThrownBy(() -> bus.subscribe(Policy.GAP)).isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK, 1)).isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> bus.subscribe(Policy.GAP, (t, end) -> { }))
            .isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK, (t, end) -> { }, Runnable::run))
            .isInstanceOf(StateBusClosedException.class);
        assertThat(bus.subscriptionCount()).isZero();
    }

    /** A handler that closes its own subscription from a gap notice gets no transition after the notice. */
    @Test
    void aSubscriptionClosedByItsGapNoticeDeliversNothingAfterIt()
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(4).build())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.GAP);
            for (long s = 1; s <= 10; s++)
            {
                bus.set(cycleAt(s)); // laps the subscription: slots 1..6 are overwritten
            }
            final List<String> calls = new ArrayList<>();
            final int delivered = sub.poll(new TransitionHandler<>()
            {
                @Override
                public void onTransition(final Transition<Connection> t, final boolean endOfBatch)
                {
                    calls.add("#" + t.sequence());
                }

                @Override
                public void onGap(final Gap<Connection> gap)
                {
                    calls.add("gap");
                    sub.close();
                }
            }, 100);
            assertThat(calls).containsExactly("gap");
            assertThat(delivered).isZero();
            assertThat(sub.isClosed()).isTrue();
        }
    }

    /** After close, every subscription is closed and subscriptionCount() says none is open. */
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void noSubscriptionCountsAsOpenAfterTheBusCloses()
    {
        final StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(3)).capacity(4).build();
        final Subscription<Integer> a = bus.subscribe(Policy.BLOCK);
        final Subscription<Integer> b = bus.subscribe(Policy.GAP);
        bus.close();
        assertThat(a.isClosed()).isTrue();
        assertThat(b.isClosed()).isTrue();
        assertThat(bus.subscriptionCount()).as("open subscriptions after close: %s", bus).isZero();
    }

    /** User code run while publishing (here a producer idle strategy, a watchdog) may close the bus: no hang. */
    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void aProducerIdleStrategyMayCloseTheBus(final ProducerMode mode) throws Exception
    {
        final AtomicReference<StateBus<Connection>> busRef = new AtomicReference<>();
        final AtomicInteger idles = new AtomicInteger();
        final IdleStrategy closingIdle = new IdleStrategy()
        {
            @Override
            public void idle(final int workCount)
            {
                idle();
            }

            @Override
            public void idle()
            {
                if (idles.incrementAndGet() == 3)
                {
                    busRef.get().close(); // inside set(): on a MULTI bus, while holding the producer lock
                }
                Thread.onSpinWait();
            }

            @Override
            public void reset()
            {
            }
        };
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED)
            .capacity(2).producerMode(mode).producerIdleStrategy(closingIdle).build();
        busRef.set(bus);
        bus.subscribe(Policy.BLOCK); // never polled: the third set waits for capacity
        final Throwable outcome = publishOnItsOwnThread(mode, () ->
        {
            bus.set(CONNECTING);
            bus.set(CONNECTED);
            bus.set(CLOSING);
        });
        assertThat(outcome).isInstanceOf(StateBusClosedException.class)
            .hasMessage("bus closed while waiting to publish CLOSING");
        assertThat(bus.get()).isEqualTo(CONNECTED);
    }

    /** A clock (read before the claim) that closes the bus: no hang, and nothing published after close(). */
    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void aClockMayCloseTheBusAndNothingIsPublishedAfter(final ProducerMode mode) throws Exception
    {
        final AtomicReference<StateBus<Connection>> busRef = new AtomicReference<>();
        final AtomicBoolean closeNow = new AtomicBoolean();
        final NanoClock closingClock = () ->
        {
            if (closeNow.get())
            {
                busRef.get().close();
            }
            return System.nanoTime();
        };
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).producerMode(mode).clock(closingClock).build();
        busRef.set(bus);
        final Throwable outcome = publishOnItsOwnThread(mode, () ->
        {
            bus.set(CONNECTING); // on a SINGLE bus, this opens the fast path
            closeNow.set(true);
            bus.set(CONNECTED);
        });
        assertThat(outcome).isInstanceOf(StateBusClosedException.class);
        assertThat(bus.latestSequence()).isEqualTo(1);
        assertThat(bus.get()).isEqualTo(CONNECTING);
    }

    /** Runs the publishes on a new thread; returns what they threw (an AssertionError if nothing); fails on a hang. */
    private static Throwable publishOnItsOwnThread(final ProducerMode mode, final Runnable publishes) throws Exception
    {
        final AtomicReference<Throwable> outcome = new AtomicReference<>();
        final Thread producer = new Thread(() ->
        {
            try
            {
                publishes.run();
                outcome.set(new AssertionError("every publish succeeded"));
            }
            catch (final Throwable ex)
            {
                outcome.set(ex);
            }
        }, "producer-" + mode);
        producer.setDaemon(true);
        producer.start();
        producer.join(10_000);
        assertThat(producer.isAlive()).as("still publishing after 10 s: %s", stackOf(producer)).isFalse();
        return outcome.get();
    }

    private static String stackOf(final Thread thread)
    {
        final StringBuilder sb = new StringBuilder();
        for (final StackTraceElement e : thread.getStackTrace())
        {
            sb.append("\n    at ").append(e);
        }
        return sb.toString();
    }
}
