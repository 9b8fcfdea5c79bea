package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.statebus.Connection.CLOSED;
import static io.statebus.Connection.CLOSING;
import static io.statebus.Connection.CONNECTED;
import static io.statebus.Connection.CONNECTING;
import static io.statebus.Connection.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guarantee 6: {@code get()} returns the {@code to} of the latest published transition; {@code set} and
 * {@code compareAndSet} are linearizable with many producers; setting the current value again publishes nothing
 * unless configured to; a single-producer bus refuses a second thread and changes nothing.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LinearizableStateTest
{
    @Test
    void getReturnsTheToOfTheLatestPublishedTransition()
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            assertThat(bus.get()).isEqualTo(DISCONNECTED);
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            final Recorder<Connection> recorder = new Recorder<>();
            for (int i = 0; i < 1_000; i++)
            {
                final Connection next = TestStates.CYCLE[(i * 3) % TestStates.CYCLE.length];
                final long sequence = bus.set(next);
                assertThat(bus.get()).isEqualTo(next);
                if (sequence != StateBus.NOT_PUBLISHED)
                {
                    assertThat(sequence).isEqualTo(bus.latestSequence());
                    sub.poll(recorder, 8);
                    final Transition<Connection> latest = recorder.transitions.get(recorder.transitions.size() - 1);
                    assertThat(latest.sequence()).isEqualTo(sequence);
                    assertThat(latest.to()).isEqualTo(bus.get());
                }
            }
        }
    }

    @Test
    void aSetBlockedByBackPressureHasNotChangedTheStateUntilItPublishes() throws Exception
    {
        final FirstIdleFixture idle = new FirstIdleFixture();
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(2).producerIdleStrategy(idle).build())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    bus.set(CONNECTING);
                    bus.set(CONNECTED);
                    bus.set(CLOSING); // the ring of 2 is full: blocks until the subscriber polls
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            }, "producer");
            producer.start();
            assertThat(idle.awaitProducerBlocked()).isTrue();
            assertThat(bus.get()).isEqualTo(CONNECTED);
            assertThat(bus.latestSequence()).isEqualTo(2);

            final Recorder<Connection> recorder = new Recorder<>();
            sub.poll(recorder, 1);
            TestAwait.ended(producer);
            assertThat(failure.get()).isNull();
            assertThat(bus.get()).isEqualTo(CLOSING);
            sub.poll(recorder, 8);
            assertThat(recorder.transitions).map(Transition::toString).containsExactly(
                "#1 DISCONNECTED -> CONNECTING", "#2 CONNECTING -> CONNECTED", "#3 CONNECTED -> CLOSING");
        }
    }

    /**
     * Two producers increment a counter modulo 5 with get-then-compareAndSet. If compareAndSet were not atomic with
     * the publication, two increments from the same state would both succeed (a transition would not be +1) or a
     * success would not be published (successes would not equal published transitions).
     */
    @Test
    void compareAndSetFromTwoProducersIsLinearizable() throws Exception
    {
        final int states = 5;
        final int attemptsPerProducer = 150_000;
        try (StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(states)).capacity(256)
            .producerMode(ProducerMode.MULTI).build())
        {
            final AtomicLong notAnIncrement = new AtomicLong();
            final ChainCheckFixture<Integer> chain = new ChainCheckFixture<>(0, 0, Long.MAX_VALUE, null);
            final Subscription<Integer> sub = bus.subscribe(Policy.BLOCK, (t, end) ->
            {
                chain.onTransition(t, end);
                if (t.to() != (t.from() + 1) % states)
                {
                    notAnIncrement.incrementAndGet();
                }
            });
            final long[] successes = new long[2];
            final CountDownLatch start = new CountDownLatch(1);
            final Thread[] producers = new Thread[2];
            for (int p = 0; p < 2; p++)
            {
                final int me = p;
                producers[p] = new Thread(() ->
                {
                    try
                    {
                        start.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        return;
                    }
                    long mine = 0;
                    for (int i = 0; i < attemptsPerProducer; i++)
                    {
                        final int current = bus.get();
                        if (bus.compareAndSet(current, (current + 1) % states))
                        {
                            mine++;
                        }
                    }
                    successes[me] = mine;
                }, "cas-producer-" + p);
                producers[p].start();
            }
            start.countDown();
            for (final Thread producer : producers)
            {
                TestAwait.ended(producer);
            }
            final long total = successes[0] + successes[1];
            TestAwait.until(() -> sub.position() == bus.latestSequence(), "the handler thread caught up");

            assertThat(total).isEqualTo(bus.latestSequence());
            // each failed attempt was overtaken by a success of the other thread, so at least half succeeded
            assertThat(total).isGreaterThanOrEqualTo(attemptsPerProducer);
            assertThat(notAnIncrement.get()).isZero();
            assertThat(sub.delivered()).isEqualTo(total);
            assertThat(chain.verdict()).isEqualTo("clean");
            assertThat(bus.get()).isEqualTo((int)(total % states));
        }
    }

    /**
     * Two producers set states from disjoint halves; each records the sequence each set returned. Those sequences
     * are exactly 1..N, increasing within each producer, and the transition at each one moved to the value that
     * producer set.
     */
    @Test
    void setFromTwoProducersReturnsTheSequenceOfTheTransitionItPublished() throws Exception
    {
        final int perProducer = 100_000;
        final int total = 2 * perProducer;
        try (StateBus<Integer> bus = StateBus.builder(8, TestStates.integers(9)).capacity(512)
            .producerMode(ProducerMode.MULTI).build())
        {
            final int[] toAt = new int[total + 1];
            final Subscription<Integer> sub = bus.subscribe(Policy.BLOCK, (t, end) -> toAt[(int)t.sequence()] = t.to());
            final long[][] returned = new long[2][perProducer];
            final Thread[] producers = new Thread[2];
            for (int p = 0; p < 2; p++)
            {
                final int me = p;
                producers[p] = new Thread(() ->
                {
                    for (int i = 0; i < perProducer; i++)
                    {
                        returned[me][i] = bus.set(4 * me + i % 4);
                    }
                }, "set-producer-" + p);
                producers[p].start();
            }
            for (final Thread producer : producers)
            {
                TestAwait.ended(producer);
            }
            TestAwait.until(() -> sub.position() == total, "the handler thread caught up");

            assertThat(bus.latestSequence()).isEqualTo(total);
            final boolean[] seen = new boolean[total + 1];
            for (int p = 0; p < 2; p++)
            {
                long previous = 0;
                for (int i = 0; i < perProducer; i++)
                {
                    final long sequence = returned[p][i];
                    assertThat(sequence).as("producer %d set #%d", p, i).isGreaterThan(previous).isLessThanOrEqualTo(total);
                    assertThat(seen[(int)sequence]).as("sequence %d returned twice", sequence).isFalse();
                    seen[(int)sequence] = true;
                    assertThat(toAt[(int)sequence]).as("the to of #%d", sequence).isEqualTo(4 * p + i % 4);
                    previous = sequence;
                }
            }
        }
    }

    @Test
    void settingTheCurrentValueAgainPublishesNothingByDefault() throws InterruptedException
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            bus.set(CONNECTING);
            assertThat(bus.set(CONNECTING)).isEqualTo(StateBus.NOT_PUBLISHED);
            assertThat(bus.trySet(CONNECTING, 0, TimeUnit.SECONDS)).as("already so").isTrue();
            assertThat(bus.compareAndSet(CONNECTING, CONNECTING)).isTrue();
            assertThat(bus.latestSequence()).isEqualTo(1);
            assertThat(bus.get()).isEqualTo(CONNECTING);
            final Recorder<Connection> recorder = new Recorder<>();
            sub.poll(recorder, 10);
            assertThat(recorder.transitions).map(Transition::toString).containsExactly("#1 DISCONNECTED -> CONNECTING");
        }
    }

    @Test
    void settingTheCurrentValueAgainPublishesASelfTransitionWhenConfigured() throws InterruptedException
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).publishUnchanged(true).build())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            assertThat(bus.set(DISCONNECTED)).isEqualTo(1);
            assertThat(bus.trySet(DISCONNECTED, 0, TimeUnit.SECONDS)).isTrue();
            assertThat(bus.compareAndSet(DISCONNECTED, DISCONNECTED)).isTrue();
            assertThat(bus.compareAndSet(CONNECTED, DISCONNECTED)).as("expectation fails").isFalse();
            assertThat(bus.latestSequence()).isEqualTo(3);
            final Recorder<Connection> recorder = new Recorder<>();
            sub.poll(recorder, 10);
            assertThat(recorder.transitions).map(Transition::toString).containsExactly(
                "#1 DISCONNECTED -> DISCONNECTED", "#2 DISCONNECTED -> DISCONNECTED", "#3 DISCONNECTED -> DISCONNECTED");
        }
    }

    @Test
    void aSingleProducerBusRejectsASecondThreadAndChangesNothing() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).producerMode(ProducerMode.SINGLE).build())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            bus.set(CONNECTING); // this thread owns the bus from now on
            final AtomicReference<List<Throwable>> thrown = new AtomicReference<>();
            final Thread intruder = new Thread(() ->
            {
                final Throwable[] errors = new Throwable[3];
                errors[0] = catchThrowable(() -> bus.set(CLOSED));
                errors[1] = catchThrowable(() -> bus.trySet(CLOSED, 1, TimeUnit.SECONDS));
                errors[2] = catchThrowable(() -> bus.compareAndSet(CONNECTING, CLOSED));
                thrown.set(java.util.Arrays.asList(errors));
            }, "intruder");
            intruder.start();
            TestAwait.ended(intruder);

            assertThat(thrown.get()).hasSize(3).allSatisfy(ex -> assertThat(ex)
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageContaining("intruder")
                .hasMessageContaining("ProducerMode.MULTI"));
            assertThat(bus.get()).isEqualTo(CONNECTING);
            assertThat(bus.latestSequence()).isEqualTo(1);
            assertThat(bus.set(CONNECTED)).as("the owner still publishes").isEqualTo(2);
            final Recorder<Connection> recorder = new Recorder<>();
            sub.poll(recorder, 10);
            assertThat(recorder.transitions).map(Transition::toString).containsExactly(
                "#1 DISCONNECTED -> CONNECTING", "#2 CONNECTING -> CONNECTED");
        }
    }

    private interface Action
    {
        void run() throws Exception;
    }

    private static Throwable catchThrowable(final Action action)
    {
        try
        {
            action.run();
            return null;
        }
        catch (final Throwable ex)
        {
            return ex;
        }
    }
}
