package io.statebus.proof;

import io.statebus.Awaited;
import io.statebus.Connection;
import io.statebus.FirstIdleFixture;
import io.statebus.Gap;
import io.statebus.HandlerWaitFixture;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.ReplayUnavailableException;
import io.statebus.StateBus;
import io.statebus.StateBusClosedException;
import io.statebus.Subscription;
import io.statebus.TestStates;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A soak with faults, in rounds of one bus each, for {@code -Dstatebus.soak.seconds} (default 10):
 *
 * <ul>
 *   <li>two producers (MULTI) publish with set, compareAndSet and timed trySet, pausing at random;</li>
 *   <li>a BLOCK poller and a GAP poller check every transition (sequence, chain, exact gap ranges) while pausing at
 *       random ({@link LockSupport#parkNanos} as a fault, never as synchronisation);</li>
 *   <li>a handler thread whose handler throws, one whose thread is interrupted, subscriptions opened and closed
 *       mid-stream, awaits that match, time out, are interrupted;</li>
 *   <li>bad inputs thrown in along the way;</li>
 *   <li>then a BLOCK subscription that stalls for ever: the timed trySet fails and changes nothing; a producer
 *       blocks in set(); an await waits for a state that never comes; and close() must release them all.</li>
 * </ul>
 *
 * At the end it prints one line of what it tried and asserts: no BLOCK transition lost, GAP accounting exact, every
 * fault kind injected, every thread released. Rounds are bounded by transitions, waits by generous hang-detection
 * bounds. A failure names the seed; {@code -Dstatebus.soak.seed=<seed>} replays its rounds' choices (the threads'
 * interleaving is the machine's).
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class FaultSoakTest
{
    static final long SOAK_SECONDS = Long.getLong("statebus.soak.seconds", 10);
    /** Hang detection only: how long a released thread may take to end. Never a timing assertion on speed. */
    static final long RELEASE_BOUND_SECONDS = 30;
    static final Connection[] STATES = TestStates.THREE.clone();

    enum Fault
    {
        CONSUMER_PAUSE,
        PRODUCER_PAUSE,
        THROWING_HANDLER,
        INTERRUPTED_HANDLER_THREAD,
        INTERRUPTED_AWAIT,
        SUBSCRIPTION_CLOSED_MID_STREAM,
        STALLED_BLOCK_CONSUMER,
        TRY_SET_TIMED_OUT,
        CLOSE_WHILE_PRODUCER_BLOCKED,
        CLOSE_WHILE_AWAITING,
        CLOSE_WHILE_HANDLER_WAITING
    }

    private final Map<Fault, LongAdder> faults = new EnumMap<>(Fault.class);
    private final LongAdder transitionsChecked = new LongAdder();
    private final LongAdder badInputs = new LongAdder();
    private final LongAdder blockLost = new LongAdder();
    private final LongAdder gapMissed = new LongAdder();
    private final LongAdder gapNoticesMissed = new LongAdder();
    private final LongAdder gapDelivered = new LongAdder();
    private final LongAdder gapPublishedSinceJoin = new LongAdder();
    private final LongAdder awaitsMatched = new LongAdder();
    private final ConcurrentLinkedQueue<Throwable> problems = new ConcurrentLinkedQueue<>();

    {
        for (final Fault f : Fault.values())
        {
            faults.put(f, new LongAdder());
        }
    }

    private void fault(final Fault f)
    {
        faults.get(f).increment();
    }

    @Test
    void soakWithFaults() throws Exception
    {
        final long seed = Long.getLong("statebus.soak.seed", System.nanoTime());
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SOAK_SECONDS);
        int rounds = 0;
        do
        {
            round(new SplittableRandom(seed + rounds));
            rounds++;
            assertThat(problems).describedAs("seed %d round %d", seed, rounds).isEmpty();
        }
        while (System.nanoTime() - end < 0);

        final StringBuilder report = new StringBuilder()
            .append("FaultSoakTest: seed ").append(seed).append(", ").append(rounds).append(" rounds in ~")
            .append(SOAK_SECONDS).append(" s; checked ").append(transitionsChecked.sum())
            .append(" transitions, ").append(badInputs.sum()).append(" bad inputs, ").append(awaitsMatched.sum())
            .append(" awaits matched; BLOCK lost ").append(blockLost.sum())
            .append("; GAP delivered ").append(gapDelivered.sum()).append(" + missed ").append(gapMissed.sum())
            .append(" of ").append(gapPublishedSinceJoin.sum()).append(" published (gap notices: ")
            .append(gapNoticesMissed.sum()).append("); faults");
        faults.forEach((k, v) -> report.append(' ').append(k).append('=').append(v.sum()));
        System.out.println(report);

        assertThat(blockLost.sum()).isZero();
        assertThat(gapDelivered.sum() + gapMissed.sum()).isEqualTo(gapPublishedSinceJoin.sum());
        assertThat(gapNoticesMissed.sum()).isEqualTo(gapMissed.sum());
        assertThat(transitionsChecked.sum()).isPositive();
        assertThat(badInputs.sum()).isPositive();
        for (final Fault f : Fault.values())
        {
            assertThat(faults.get(f).sum()).describedAs("fault %s injected (seed %d)", f, seed).isPositive();
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** A thread that records anything unexpected it throws. */
    private Thread start(final String name, final Runnable body)
    {
        final Thread t = new Thread(() ->
        {
            try
            {
                body.run();
            }
            catch (final Throwable ex)
            {
                problems.add(new AssertionError(name + " failed", ex));
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void joinAll(final List<Thread> threads, final String why) throws InterruptedException
    {
        for (final Thread t : threads)
        {
            t.join(TimeUnit.SECONDS.toMillis(RELEASE_BOUND_SECONDS));
            if (t.isAlive())
            {
                final StringBuilder stack = new StringBuilder();
                for (final StackTraceElement e : t.getStackTrace())
                {
                    stack.append("\n\tat ").append(e);
                }
                throw new AssertionError(t.getName() + " not released (" + why + ")" + stack);
            }
        }
    }

    private void pause(final SplittableRandom random, final Fault kind, final int oneIn, final long maxNanos)
    {
        if (random.nextInt(oneIn) == 0)
        {
            fault(kind);
            LockSupport.parkNanos(1 + random.nextLong(maxNanos));
        }
    }

    /** Checks every transition and gap of one subscription, in order. */
    final class Checker implements TransitionHandler<Connection>
    {
        final Subscription<Connection>[] sub;
        long expected;
        Connection chain;
        long delivered;
        long missedByNotices;

        @SuppressWarnings("unchecked")
        Checker(final Subscription<Connection> subscription)
        {
            this.sub = new Subscription[] {subscription};
            this.expected = subscription.joinSequence() + 1;
            this.chain = subscription.joinState();
        }

        @Override
        public void onTransition(final Transition<Connection> t, final boolean endOfBatch)
        {
            if (t.sequence() != expected || t.from() != chain)
            {
                throw new AssertionError("expected #" + expected + " from " + chain + ", got " + t + " on " + sub[0]);
            }
            expected++;
            chain = t.to();
            delivered++;
        }

        @Override
        public void onGap(final Gap<Connection> gap)
        {
            if (gap.firstMissed() != expected || gap.lastMissed() < gap.firstMissed() ||
                gap.missed() != gap.lastMissed() - gap.firstMissed() + 1)
            {
                throw new AssertionError("gap " + gap + " but expected #" + expected + " on " + sub[0]);
            }
            missedByNotices += gap.missed();
            expected = gap.lastMissed() + 1;
            chain = gap.resumeState();
        }
    }

    /** Polls until the bus is closed and drained, pausing at random; returns the checker. */
    private void pollUntilClosed(final Subscription<Connection> sub, final Checker checker,
        final SplittableRandom random, final int pauseOneIn, final long maxPauseNanos, final boolean tryBadLimit,
        final CountDownLatch owns)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(1, 1, 1_000, 1_000_000);
        while (true)
        {
            final int n;
            try
            {
                if (tryBadLimit && random.nextInt(5_000) == 0)
                {
                    badInputs.increment();
                    final long before = sub.position();
                    try
                    {
                        sub.poll(checker, 0);
                        throw new AssertionError("poll limit 0 accepted");
                    }
                    catch (final IllegalArgumentException expectedEx)
                    {
                        assertThat(sub.position()).isEqualTo(before);
                    }
                }
                n = sub.poll(checker, 1 + random.nextInt(64));
                owns.countDown(); // this thread has polled: it owns the subscription from here on
            }
            catch (final StateBusClosedException closed)
            {
                return;
            }
            transitionsChecked.add(n);
            idle.idle(n);
            pause(random, Fault.CONSUMER_PAUSE, pauseOneIn, maxPauseNanos);
        }
    }

    private void round(final SplittableRandom random) throws Exception
    {
        final FirstIdleFixture producerWaits = new FirstIdleFixture();
        final HandlerWaitFixture handlerWaits = new HandlerWaitFixture();
        final StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED)
            .capacity(1 << (2 + random.nextInt(3)))  // 4, 8 or 16: laps and back-pressure all the time
            .producerMode(ProducerMode.MULTI)
            .publishUnchanged(true)                  // so every successful call publishes exactly one
            .producerIdleStrategy(producerWaits)     // tells which producers have waited for capacity
            .waitStrategy(handlerWaits)              // tells which handler threads wait for transitions
            .build();
        final int transitions = 2_000 + random.nextInt(8_000);
        final AtomicLong published = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();

        // --- consumers -----------------------------------------------------------------------------------------
        final Subscription<Connection> blockSub = bus.subscribe(Policy.BLOCK);
        final Checker blockChecker = new Checker(blockSub);
        final SplittableRandom blockRandom = random.split();
        final CountDownLatch blockPollerOwns = new CountDownLatch(1);
        threads.add(start("block-poller", () ->
            pollUntilClosed(blockSub, blockChecker, blockRandom, 200, 2_000_000, true, blockPollerOwns)));

        final Subscription<Connection> gapSub = bus.subscribe(Policy.GAP);
        final Checker gapChecker = new Checker(gapSub);
        final SplittableRandom gapRandom = random.split();
        threads.add(start("gap-poller", () ->
            pollUntilClosed(gapSub, gapChecker, gapRandom, 20, 5_000_000, false, new CountDownLatch(1))));

        // a handler that throws at a random transition: fails its subscription only
        final long throwAt = 1 + random.nextInt(transitions);
        final RuntimeException boom = new IllegalStateException("handler fault");
        final Subscription<Connection> throwing = bus.subscribe(Policy.BLOCK, (t, end) ->
        {
            if (t.sequence() == throwAt)
            {
                fault(Fault.THROWING_HANDLER);
                throw boom;
            }
        });
        // a handler thread that will be interrupted mid-stream
        final Subscription<Connection> interrupted = bus.subscribe(Policy.BLOCK, (t, end) -> { });
        // a handler thread that waits (BlockingWaitStrategy) when the bus is closed
        final Subscription<Connection> waitingHandler =
            bus.subscribe(Policy.GAP, (t, end) -> transitionsChecked.increment());

        // awaits: one that matches repeatedly, one interrupted, one that waits until close
        final CountDownLatch awaitsStarted = new CountDownLatch(1);
        final SplittableRandom awaitRandom = random.split();
        threads.add(start("await-matcher", () ->
        {
            try
            {
                while (true)
                {
                    final Connection target = STATES[awaitRandom.nextInt(3)];
                    final Awaited<Connection> r = bus.await(target, 1 + awaitRandom.nextInt(3), TimeUnit.MILLISECONDS);
                    if (r.isMatch())
                    {
                        assertThat(r.transition().to()).isEqualTo(target);
                        awaitsMatched.increment();
                    }
                }
            }
            catch (final StateBusClosedException closed)
            {
                // released by close()
            }
            catch (final InterruptedException ex)
            {
                throw new AssertionError(ex);
            }
        }));
        final Thread interruptedAwait = start("await-interrupted", () ->
        {
            try
            {
                bus.await(s -> false, 1, TimeUnit.HOURS);
                throw new AssertionError("an impossible await returned");
            }
            catch (final InterruptedException expected)
            {
                fault(Fault.INTERRUPTED_AWAIT);
            }
        });
        final Thread closedAwait = start("await-until-close", () ->
        {
            try
            {
                awaitsStarted.countDown();
                bus.await(s -> false, 1, TimeUnit.HOURS);
                throw new AssertionError("an impossible await returned");
            }
            catch (final StateBusClosedException expected)
            {
                fault(Fault.CLOSE_WHILE_AWAITING);
            }
            catch (final InterruptedException ex)
            {
                throw new AssertionError(ex);
            }
        });
        awaitsStarted.await();

        // --- producers -----------------------------------------------------------------------------------------
        final SplittableRandom p1Random = random.split();
        final SplittableRandom p2Random = random.split();
        final Thread p1 = start("producer-1", () -> produce(bus, p1Random, transitions, published, true));
        final Thread p2 = start("producer-2", () -> produce(bus, p2Random, transitions / 10, published, false));

        // --- churn and interrupts, from this thread, while the producers run -------------------------------------
        int churn = 0;
        boolean interruptsAndBadInputsDone = false;
        while (p1.isAlive() && churn < 50)
        {
            churn++;
            final Subscription<Connection> s = bus.subscribe(random.nextBoolean() ? Policy.BLOCK : Policy.GAP);
            final Checker c = new Checker(s);
            for (int i = 0; i < 1 + random.nextInt(4); i++)
            {
                transitionsChecked.add(s.poll(c, 1 + random.nextInt(16)));
                LockSupport.parkNanos(1 + random.nextLong(200_000)); // fault: a slow consumer
                fault(Fault.CONSUMER_PAUSE);
            }
            s.close();
            fault(Fault.SUBSCRIPTION_CLOSED_MID_STREAM);
            if (churn == 3)
            {
                interruptsAndBadInputs(bus, interrupted, interruptedAwait, blockSub, blockPollerOwns);
                interruptsAndBadInputsDone = true;
            }
        }
        if (!interruptsAndBadInputsDone)
        {
            interruptsAndBadInputs(bus, interrupted, interruptedAwait, blockSub, blockPollerOwns); // p1 was quick
        }
        p1.join(TimeUnit.SECONDS.toMillis(RELEASE_BOUND_SECONDS * 4));
        p2.join(TimeUnit.SECONDS.toMillis(RELEASE_BOUND_SECONDS * 4));
        assertThat(p1.isAlive() || p2.isAlive()).describedAs("producers finished").isFalse();
        joinAll(List.of(interrupted.handlerThread(), interruptedAwait), "interrupt");
        assertThat(interrupted.isClosed()).isTrue();
        // failed compareAndSets and timed-out trySets may have left the producers short of the throwing handler's
        // transition: publish up to it, so that it surely throws
        while (bus.latestSequence() < throwAt)
        {
            bus.set(STATES[random.nextInt(3)]);
            published.incrementAndGet();
        }
        joinAll(List.of(throwing.handlerThread()), "throwing handler");
        assertThat(throwing.failure()).isSameAs(boom);
        assertThat(throwing.isClosed()).isTrue();

        // --- a BLOCK consumer stalls for ever: timed trySet fails cleanly -------------------------------------
        final Subscription<Connection> stalled = bus.subscribe(Policy.BLOCK);
        fault(Fault.STALLED_BLOCK_CONSUMER);
        // fill the ring behind the stalled subscription (only this thread publishes now)
        while (bus.latestSequence() - stalled.joinSequence() < bus.capacity())
        {
            bus.set(STATES[random.nextInt(3)]);
            published.incrementAndGet();
        }
        for (int i = 0; i < 3; i++)
        {
            final Connection before = bus.get();
            final long latest = bus.latestSequence();
            final Connection next = STATES[(before.ordinal() + 1) % 3];
            assertThat(bus.trySet(next, random.nextInt(3), TimeUnit.MILLISECONDS)).isFalse();
            assertThat(bus.get()).isEqualTo(before);
            assertThat(bus.latestSequence()).isEqualTo(latest);
            fault(Fault.TRY_SET_TIMED_OUT);
        }

        // --- close() while a producer is blocked, an await waits and a handler thread waits ---------------------
        final CountDownLatch aboutToBlock = new CountDownLatch(1);
        final Thread blocked = start("producer-blocked", () ->
        {
            aboutToBlock.countDown();
            try
            {
                bus.set(Connection.CONNECTED);
                bus.set(Connection.DISCONNECTED);
                throw new AssertionError("set() on a full ring returned");
            }
            catch (final StateBusClosedException expected)
            {
                // released
            }
        });
        aboutToBlock.await();
        assertThat(producerWaits.awaitBlocked(blocked)).describedAs("the producer waits for capacity").isTrue();
        fault(Fault.CLOSE_WHILE_PRODUCER_BLOCKED);
        final long publishedAtClose = bus.latestSequence(); // the ring is full behind `stalled`: nothing more comes
        assertThat(handlerWaits.awaitWaitingFor(waitingHandler.handlerThread(), publishedAtClose + 1))
            .describedAs("the GAP handler thread waits for the next transition").isTrue();
        fault(Fault.CLOSE_WHILE_HANDLER_WAITING);
        bus.close();
        threads.add(blocked);
        threads.add(closedAwait);
        threads.add(waitingHandler.handlerThread());
        joinAll(threads, "bus closed");
        assertThat(bus.latestSequence()).describedAs("nothing published after close").isEqualTo(publishedAtClose);
        assertThat(published.get()).describedAs("one transition per successful call, none for a failed one")
            .isEqualTo(publishedAtClose);

        // --- accounting ----------------------------------------------------------------------------------------
        blockLost.add((publishedAtClose - blockSub.joinSequence()) - blockChecker.delivered);
        assertThat(blockSub.delivered()).isEqualTo(blockChecker.delivered);
        assertThat(blockSub.missed()).isZero();
        gapDelivered.add(gapChecker.delivered);
        gapMissed.add(gapSub.missed());
        gapNoticesMissed.add(gapChecker.missedByNotices);
        gapPublishedSinceJoin.add(publishedAtClose - gapSub.joinSequence());
        assertThat(gapSub.delivered()).isEqualTo(gapChecker.delivered);
        stalled.close();
    }

    /** Mid-stream: interrupts a handler thread and an await, then tries bad inputs. */
    private void interruptsAndBadInputs(final StateBus<Connection> bus, final Subscription<Connection> interrupted,
        final Thread interruptedAwait, final Subscription<Connection> blockSub, final CountDownLatch blockPollerOwns)
        throws InterruptedException
    {
        interrupted.handlerThread().interrupt();
        fault(Fault.INTERRUPTED_HANDLER_THREAD);
        interruptedAwait.interrupt();
        // the block-poller must own its subscription before this thread pokes it: a poll from here first would make
        // this thread the owner and the poller the intruder
        assertThat(blockPollerOwns.await(RELEASE_BOUND_SECONDS, TimeUnit.SECONDS))
            .describedAs("the block-poller polled").isTrue();
        badInputsMidStream(bus, blockSub);
    }

    /** Bad inputs against a live bus: each must throw and publish nothing (checked by the final accounting). */
    private void badInputsMidStream(final StateBus<Connection> bus, final Subscription<Connection> othersSubscription)
    {
        final Runnable[] tries = {
            () -> bus.set(null),
            () -> bus.compareAndSet(null, Connection.DISCONNECTED),
            () -> bus.subscribe(Policy.GAP, Math.max(1, bus.latestSequence() - 2L * bus.capacity())).close(),
            () -> bus.subscribe(Policy.BLOCK, bus.latestSequence() + 1_000), // the future
            () -> othersSubscription.poll((t, e) -> { }, 10),                // another thread's subscription
            () ->
            {
                try
                {
                    bus.trySet(Connection.CONNECTING, -1, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    throw new AssertionError(ex);
                }
            },
        };
        final Class<?>[] expected = {NullPointerException.class, NullPointerException.class,
            ReplayUnavailableException.class, ReplayUnavailableException.class, IllegalStateException.class,
            IllegalArgumentException.class};
        for (int i = 0; i < tries.length; i++)
        {
            if (i == 2 && bus.latestSequence() < 3L * bus.capacity())
            {
                continue; // nothing has left the ring yet
            }
            badInputs.increment();
            try
            {
                tries[i].run();
                throw new AssertionError("bad input " + i + " accepted");
            }
            catch (final RuntimeException ex)
            {
                assertThat(ex).isInstanceOf(expected[i]);
            }
        }
    }

    private void produce(final StateBus<Connection> bus, final SplittableRandom random, final int count,
        final AtomicLong published, final boolean main)
    {
        try
        {
            for (int i = 0; i < count; i++)
            {
                final Connection next = STATES[random.nextInt(3)];
                final int how = random.nextInt(10);
                if (how < 6)
                {
                    assertThat(bus.set(next)).isPositive();
                    published.incrementAndGet();
                }
                else if (how < 8)
                {
                    final Connection expected = bus.get();
                    if (bus.compareAndSet(expected, next))
                    {
                        published.incrementAndGet();
                    }
                }
                else if (bus.trySet(next, random.nextInt(2), TimeUnit.MILLISECONDS))
                {
                    published.incrementAndGet();
                }
                else
                {
                    fault(Fault.TRY_SET_TIMED_OUT);
                }
                pause(random, Fault.PRODUCER_PAUSE, main ? 500 : 5, main ? 1_000_000 : 200_000);
            }
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
