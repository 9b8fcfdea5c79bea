package io.statebus;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.statebus.Connection.CONNECTING;
import static io.statebus.Connection.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Pipelines (chains and diamonds): a stage sees a transition only after every upstream stage has consumed it;
 * with BLOCK nothing is lost along the graph; a closed upstream stage stops holding the others back.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipelineStagesTest
{
    private static final int STATES = 5;

    /** Records what a stage has processed, before its batch ends (so before its position moves past it). */
    private static class Stage implements TransitionHandler<Integer>
    {
        final ConcurrentHashMap.KeySetView<Long, Boolean> seen = ConcurrentHashMap.newKeySet();
        final AtomicLong last = new AtomicLong();

        @Override
        public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
        {
            seen.add(t.sequence());
            last.set(t.sequence());
        }
    }

    @Test
    void aDiamondStageSeesEachTransitionOnlyAfterBothUpstreamStagesAndLosesNothing() throws Exception
    {
        final int total = 50_000;
        try (StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(STATES)).capacity(64).build())
        {
            final Stage journal = new Stage();
            final Stage replicate = new Stage();
            final Subscription<Integer> a = bus.subscribe(Policy.BLOCK, journal);
            final Subscription<Integer> b = bus.subscribe(Policy.BLOCK, replicate);
            final Subscription<Integer> logic = bus.subscribeAfter(List.of(a, b), Policy.BLOCK);
            final Thread producer = producer(bus, total);
            producer.start();
            final long[] expected = {1};
            final long[] early = {0};
            final IdleStrategy idle = new BackoffIdleStrategy();
            // bounded: @Timeout cannot stop this loop (an interrupt only makes its parks return at once)
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (expected[0] <= total && System.nanoTime() - deadline < 0)
            {
                idle.idle(logic.poll((t, end) ->
                {
                    assertThat(t.sequence()).isEqualTo(expected[0]++);
                    if (!journal.seen.contains(t.sequence()) || !replicate.seen.contains(t.sequence()))
                    {
                        early[0]++;
                    }
                }, 256));
            }
            assertThat(expected[0] - 1).as("transitions the diamond stage received").isEqualTo(total);
            TestAwait.ended(producer);
            assertThat(early[0]).as("transitions seen before both upstream stages had them").isZero();
            assertThat(logic.delivered()).isEqualTo(total);
            assertThat(journal.seen).hasSize(total);
            assertThat(replicate.seen).hasSize(total);
        }
    }

    @Test
    void aChainOfHandlerThreadsKeepsItsOrderAndAClosedUpstreamStopsHoldingItBack() throws Exception
    {
        try (StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(STATES)).capacity(16).build())
        {
            final Stage first = new Stage();
            final Subscription<Integer> a = bus.subscribe(Policy.BLOCK, first);
            final AtomicLong early = new AtomicLong();
            final Stage second = new Stage()
            {
                @Override
                public void onTransition(final Transition<Integer> t, final boolean endOfBatch)
                {
                    if (!first.seen.contains(t.sequence()))
                    {
                        early.incrementAndGet();
                    }
                    super.onTransition(t, endOfBatch);
                }
            };
            final Subscription<Integer> b = bus.subscribeAfter(List.of(a), Policy.BLOCK, second);
            publish(bus, 1_000);
            TestAwait.until(() -> second.last.get() == 1_000, "the second stage has all");
            assertThat(early.get()).isZero();

            a.close(); // the first stage is gone: the second goes on from where the ring is
            publish(bus, 1_000);
            TestAwait.until(() -> second.last.get() == 2_000, "the second stage goes on without the first");
            assertThat(b.missed()).isZero();
            assertThat(second.seen).hasSize(2_000);
        }
    }

    @Test
    void whenTheBusClosesADownstreamStageDeliversEverythingAfterItsUpstream() throws Exception
    {
        final StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(STATES)).capacity(64).build();
        final Subscription<Integer> a = bus.subscribe(Policy.BLOCK);
        final Subscription<Integer> b = bus.subscribeAfter(List.of(a), Policy.BLOCK);
        publish(bus, 10);
        bus.close();
        assertThat(b.poll((t, end) -> { }, 100)).as("nothing before the upstream stage").isZero();
        assertThat(a.poll((t, end) -> { }, 100)).isEqualTo(10);
        final long[] count = {0};
        assertThat(b.poll((t, end) -> count[0]++, 100)).isEqualTo(10);
        assertThat(count[0]).isEqualTo(10);
        assertThatThrownBy(() -> b.poll((t, end) -> { }, 100)).isInstanceOf(StateBusClosedException.class)
            .hasMessage("bus is closed and every transition published before was delivered");
    }

    /**
     * A handler-thread stage whose upstream closed still waits with the bus's wait strategy (here a sleeping one)
     * while nothing is published: the strategy is never told that a gone upstream is "infinitely ahead", which
     * would return every wait at once and turn the idle thread into a hot loop around it.
     */
    @Test
    void aHandlerThreadStageWhoseUpstreamClosedWaitsInsteadOfSpinning() throws Exception
    {
        final CountingWaits waits = new CountingWaits(2);
        try (StateBus<Integer> bus =
            StateBus.builder(0, TestStates.integers(STATES)).capacity(8).waitStrategy(waits).build())
        {
            final Subscription<Integer> a = bus.subscribe(Policy.BLOCK);
            final Stage second = new Stage();
            bus.subscribeAfter(List.of(a), Policy.BLOCK, second);
            publish(bus, 1);
            TestAwait.drain(a, (t, end) -> { });
            TestAwait.until(() -> second.last.get() == 1, "the second stage has #1");
            a.close(); // the stage now waits for #2, which nobody publishes yet
            assertThat(waits.hundredWaits.await(1, TimeUnit.SECONDS)).as("a hundred waits for #2, none published")
                .isFalse();
            publish(bus, 1);
            TestAwait.until(() -> second.last.get() == 2, "the second stage goes on without the first");
        }
    }

    /** A sleeping wait strategy that counts the waits for one sequence. */
    private static final class CountingWaits implements WaitStrategy
    {
        final CountDownLatch hundredWaits = new CountDownLatch(100);
        private final WaitStrategy strategy = new SleepingWaitStrategy();
        private final long watched;

        CountingWaits(final long watched)
        {
            this.watched = watched;
        }

        @Override
        public long waitFor(
            final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
            throws AlertException, InterruptedException, TimeoutException
        {
            if (sequence == watched)
            {
                hundredWaits.countDown();
            }
            return strategy.waitFor(sequence, cursor, dependentSequence, barrier);
        }

        @Override
        public void signalAllWhenBlocking()
        {
            strategy.signalAllWhenBlocking();
        }
    }

    /** A GAP stage lapped behind a BLOCK upstream resumes where the ring is, but never past its upstream. */
    @Test
    void aLappedGapStageDeliversNothingItsUpstreamHasNotConsumed()
    {
        try (StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(STATES)).capacity(8).build())
        {
            final Subscription<Integer> upstream = bus.subscribe(Policy.BLOCK);
            final Subscription<Integer> stage = bus.subscribeAfter(List.of(upstream), Policy.GAP);
            publish(bus, 8);
            assertThat(upstream.poll((t, end) -> { }, 4)).isEqualTo(4);
            publish(bus, 4); // the ring now holds 5..12: the stage, at 1, is lapped
            final Recorder<Integer> got = new Recorder<>();
            stage.poll(got, 256);
            assertThat(got.transitions).as("transitions the upstream stage (at 4) has not consumed").isEmpty();
            assertThat(stage.position()).isLessThanOrEqualTo(upstream.position());
            assertThat(upstream.poll((t, end) -> { }, 256)).isEqualTo(8);
            TestAwait.drain(stage, got);
            assertThat(got.gaps).containsExactly("1..4->" + got.transitions.get(0).from());
            assertThat(got.transitions).extracting(Transition::sequence).containsExactly(5L, 6L, 7L, 8L, 9L, 10L,
                11L, 12L);
        }
    }

    /**
     * On a mirror's bus, a GAP stage that meets a lost range (more than a ring) skips it only as far as its upstream
     * has: it never delivers the transition after the loss before the upstream has consumed it.
     */
    @Test
    void aGapStageSkipsAMirrorsLossOnlyAsFarAsItsUpstream()
    {
        try (Mirror<Integer> mirror = StateBus.builder(0, TestStates.integers(STATES)).capacity(8).buildMirror(0, 0, 0))
        {
            final Subscription<Integer> upstream = mirror.bus().subscribe(Policy.BLOCK);
            final Subscription<Integer> stage = mirror.bus().subscribeAfter(List.of(upstream), Policy.GAP);
            mirror.append(1, 0, 1, 1);
            upstream.poll((t, end) -> { }, 256);
            stage.poll((t, end) -> { }, 256);
            assertThat(mirror.tryAppend(101, 2, 3, 101)).as("held back: the upstream has not skipped the loss")
                .isFalse();
            assertThat(mirror.latestSequence()).as("2..100 recorded lost").isEqualTo(100);
            upstream.poll((t, end) -> { }, 1); // skips to 92, the oldest slot the ring may hold
            upstream.poll((t, end) -> { }, 1); // skips 93: room for 101
            assertThat(mirror.tryAppend(101, 2, 3, 101)).isTrue();
            final Recorder<Integer> got = new Recorder<>();
            stage.poll(got, 256);
            assertThat(got.transitions).as("transitions the upstream stage (at %d) has not consumed",
                upstream.position()).isEmpty();
            assertThat(stage.position()).isLessThanOrEqualTo(upstream.position());
            TestAwait.drain(upstream, new Recorder<>());
            TestAwait.drain(stage, got);
            assertThat(got.gaps).containsExactly("2..100->2");
            assertThat(got.transitions).extracting(Transition::sequence).containsExactly(101L);
            assertThat(stage.missed()).isEqualTo(99);
        }
    }

    @Test
    void badStagesAreRefusedAndNothingIsSubscribed()
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build();
             StateBus<Connection> other = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            final Subscription<Connection> foreign = other.subscribe(Policy.BLOCK);
            assertThatThrownBy(() -> bus.subscribeAfter(List.of(foreign), Policy.BLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an upstream stage must be a subscription of the same bus");
            assertThatThrownBy(() -> bus.subscribeAfter(List.of(), Policy.BLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a pipeline stage needs at least one upstream stage");
            assertThatThrownBy(() -> bus.subscribeAfter(null, Policy.BLOCK)).isInstanceOf(NullPointerException.class);
            assertThat(bus.subscriptionCount()).isZero();
            assertThat(bus.set(CONNECTING)).isEqualTo(1);
        }
    }

    private static void publish(final StateBus<Integer> bus, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            bus.set((int)((bus.latestSequence() + 1) % STATES));
        }
    }

    private static Thread producer(final StateBus<Integer> bus, final int count)
    {
        return new Thread(() -> publish(bus, count), "producer");
    }
}
