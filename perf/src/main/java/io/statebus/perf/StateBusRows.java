package io.statebus.perf;

import com.lmax.disruptor.Sequence;
import io.statebus.Awaited;
import io.statebus.StateBusBuilder;
import io.statebus.Gap;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.Subscription;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import io.statebus.perf.Harness.St;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.SystemNanoClock;

import java.util.concurrent.TimeUnit;

import static io.statebus.perf.Harness.BATCH;
import static io.statebus.perf.Harness.MASK;
import static io.statebus.perf.Harness.RING;

/** The statebus rows: handler-thread subscriptions ({@code Policy.BLOCK}) on the bus's Disruptor wait strategy. */
final class StateBusRows
{
    private StateBusRows()
    {
    }

    /**
     * The bus of a statebus row: single-producer (the calling thread publishes, as the raw Disruptor rows'
     * single-producer sequencer) unless a row says otherwise, the ring's size, the row's wait strategy ("-": the
     * builder's), no clock unless {@code clock}.
     */
    static StateBusBuilder<St> builder(final String wait, final boolean clock, final Harness.TrackedThreads threads)
    {
        final StateBusBuilder<St> builder = defaults(threads).producerMode(ProducerMode.SINGLE);
        if (!"-".equals(wait))
        {
            builder.waitStrategy(Harness.waitStrategy(wait));
        }
        return clock ? builder.clock(SystemNanoClock.INSTANCE) : builder.noClock();
    }

    /** The builder's defaults (wait strategy, producer mode, clock), with only the ring's size and the threads set. */
    static StateBusBuilder<St> defaults(final Harness.TrackedThreads threads)
    {
        return StateBus.builder(St.A).capacity(RING).handlerThreadFactory(threads);
    }

    /** The producer loop of the throughput rows: alternates B and A (every set publishes) until the deadline. */
    static long publishUntil(final StateBus<St> bus, final long deadlineNanos)
    {
        long n = 0;
        do
        {
            for (int k = 0; k < BATCH; k += 2)
            {
                bus.set(St.B);
                bus.set(St.A);
            }
            n += BATCH;
        }
        while (System.nanoTime() < deadlineNanos);
        return n;
    }

    /**
     * Checks sequence order and the from/to chain; no allocation. It keeps the previous {@code to} as an ordinal:
     * storing a reference would pay G1's write barrier on every transition, a cost of this checker, not of the bus.
     */
    static class Checker implements TransitionHandler<St>
    {
        final Sequence progress = new Sequence(0);
        long expected = 1;
        int prevTo;
        long errors;

        Checker(final St joinState)
        {
            prevTo = joinState.ordinal();
        }

        @Override
        public void onTransition(final Transition<St> t, final boolean endOfBatch)
        {
            final long s = expected;
            if (t.sequence() != s || t.from().ordinal() != prevTo)
            {
                errors++;
            }
            prevTo = t.to().ordinal();
            expected = s + 1;
            progress.set(s);
        }
    }

    /** A {@link Checker} that also records now minus each transition's send time (stamped by sequence). */
    static Checker latencyChecker(final long[] sendTimes, final Histogram histogram)
    {
        return new Checker(St.A)
        {
            @Override
            public void onTransition(final Transition<St> t, final boolean endOfBatch)
            {
                histogram.recordValue(System.nanoTime() - sendTimes[(int)(t.sequence() & MASK)]);
                super.onTransition(t, endOfBatch);
            }
        };
    }

    /** unicast and multicastN: one producer (the calling thread), N BLOCK handler threads. */
    static final class Fanout extends Bench
    {
        private final StateBus<St> bus;
        private final Checker[] checkers;
        private final Subscription<?>[] subs;
        private long published;

        Fanout(final int consumers, final String wait, final boolean clock)
        {
            this(consumers, wait, clock, false);
        }

        /** {@code defaults}: the bus exactly as {@link #defaults} builds it ({@code wait} and {@code clock} unused). */
        Fanout(final int consumers, final String wait, final boolean clock, final boolean defaults)
        {
            super("statebus");
            bus = (defaults ? defaults(threads) : builder(wait, clock, threads)).build();
            checkers = new Checker[consumers];
            subs = new Subscription<?>[consumers];
            for (int i = 0; i < consumers; i++)
            {
                checkers[i] = new Checker(St.A);
                subs[i] = bus.subscribe(Policy.BLOCK, checkers[i]);
            }
        }

        @Override
        long iteration(final long deadlineNanos)
        {
            final long n = publishUntil(bus, deadlineNanos);
            published += n;
            for (final Checker checker : checkers)
            {
                Harness.awaitProgress(checker.progress, published, "statebus consumer");
            }
            return n;
        }

        @Override
        boolean verified()
        {
            boolean ok = bus.latestSequence() == published;
            for (int i = 0; i < checkers.length; i++)
            {
                ok &= checkers[i].errors == 0 && checkers[i].progress.get() == published &&
                    subs[i].delivered() == published && subs[i].failure() == null;
            }
            return ok;
        }

        @Override
        String notes()
        {
            // how often the ring was full for the producer: back-pressure shapes cross-core throughput
            return "producer found the ring full " + bus.producerWaits() + " times, waited " +
                bus.producerWaitNanos() / 1_000_000 + " ms in all, published " + published;
        }

        @Override
        public void close()
        {
            bus.close();
        }
    }

    /** GAP handler that does deliberate work per transition, so the producer laps it. */
    static final class SlowGapChecker extends Checker
    {
        final int work;
        long missedSeen;
        long gapsSeen;
        long delivered;
        long sink;

        SlowGapChecker(final St joinState, final int work)
        {
            super(joinState);
            this.work = work;
        }

        @Override
        public void onTransition(final Transition<St> t, final boolean endOfBatch)
        {
            final long s = t.sequence();
            if (s != expected || t.from().ordinal() != prevTo)
            {
                errors++;
            }
            prevTo = t.to().ordinal();
            expected = s + 1;
            delivered++;
            sink += Harness.work(s, work);
            progress.set(s);
        }

        @Override
        public void onGap(final Gap<St> gap)
        {
            if (gap.firstMissed() != expected || gap.missed() != gap.lastMissed() - gap.firstMissed() + 1)
            {
                errors++;
            }
            missedSeen += gap.missed();
            gapsSeen++;
            expected = gap.lastMissed() + 1;
            prevTo = gap.resumeState().ordinal();
        }
    }

    /** mixed: one BLOCK handler and one slow GAP handler; the GAP one must account for every transition. */
    static final class Mixed extends Bench
    {
        private final StateBus<St> bus;
        private final Checker fast = new Checker(St.A);
        private final SlowGapChecker slow;
        private final Subscription<St> fastSub;
        private final Subscription<St> slowSub;
        private long published;

        Mixed(final String wait, final int work)
        {
            super("statebus");
            bus = builder(wait, false, threads).build();
            slow = new SlowGapChecker(St.A, work);
            fastSub = bus.subscribe(Policy.BLOCK, fast);
            slowSub = bus.subscribe(Policy.GAP, slow);
        }

        @Override
        long iteration(final long deadlineNanos)
        {
            final long n = publishUntil(bus, deadlineNanos);
            published += n;
            Harness.awaitProgress(fast.progress, published, "statebus BLOCK consumer");
            doneNanos = System.nanoTime();
            // the GAP reader ends on the last transition: the producer stopped, so that one is never lapped
            Harness.awaitProgress(slow.progress, published, "statebus GAP consumer");
            return n;
        }

        @Override
        boolean verified()
        {
            return bus.latestSequence() == published && fast.errors == 0 && fastSub.delivered() == published &&
                slow.errors == 0 && slowSub.delivered() + slowSub.missed() == published &&
                slow.delivered == slowSub.delivered() && slow.missedSeen == slowSub.missed() &&
                slow.gapsSeen == slowSub.gaps() && fastSub.failure() == null && slowSub.failure() == null;
        }

        @Override
        String notes()
        {
            return "GAP sub: published=" + published + " delivered=" + slowSub.delivered() + " missed=" +
                slowSub.missed() + " gaps=" + slowSub.gaps() + " (delivered+missed==published: " +
                (slowSub.delivered() + slowSub.missed() == published) + ")";
        }

        @Override
        public void close()
        {
            bus.close();
        }
    }

    /** multiproducer2: a MULTI bus, producer 1 alternates B/A, producer 2 alternates D/C, one BLOCK consumer. */
    static final class MultiProducer extends Bench
    {
        private final StateBus<St> bus;
        private final MpChecker checker = new MpChecker();
        private final Subscription<St> sub;
        private final ProducerPair producers;
        private long published;

        MultiProducer(final String wait)
        {
            super("statebus");
            bus = builder(wait, false, threads).producerMode(ProducerMode.MULTI).build();
            sub = bus.subscribe(Policy.BLOCK, checker);
            producers = new ProducerPair(threads, (id, earlier, deadline) -> {
                final St first = id == 0 ? St.B : St.D;
                final St second = id == 0 ? St.A : St.C;
                long n = 0;
                do
                {
                    for (int k = 0; k < BATCH; k += 2)
                    {
                        bus.set(first);
                        bus.set(second);
                    }
                    n += BATCH;
                }
                while (System.nanoTime() < deadline);
                return n;
            });
        }

        @Override
        long iteration(final long deadlineNanos) throws Exception
        {
            final long n = producers.run(deadlineNanos);
            published += n;
            Harness.awaitProgress(checker.progress, published, "statebus consumer");
            return n;
        }

        @Override
        boolean verified()
        {
            return bus.latestSequence() == published && checker.errors == 0 && sub.delivered() == published &&
                checker.counts[0] + checker.counts[1] == published && producers.published(0) == checker.counts[0] &&
                sub.failure() == null;
        }

        @Override
        public void close() throws Exception
        {
            producers.close();
            bus.close();
        }
    }

    /** Also checks that each producer's own transitions arrive in its order (B,A,B,A... and D,C,D,C...). */
    static final class MpChecker extends Checker
    {
        final long[] counts = new long[2];

        MpChecker()
        {
            super(St.A);
        }

        @Override
        public void onTransition(final Transition<St> t, final boolean endOfBatch)
        {
            final long s = expected;
            final St to = t.to();
            if (t.sequence() != s || t.from().ordinal() != prevTo)
            {
                errors++;
            }
            final int producer = to == St.A || to == St.B ? 0 : 1;
            final long k = counts[producer]++;
            final St want = producer == 0 ? ((k & 1) == 0 ? St.B : St.A) : ((k & 1) == 0 ? St.D : St.C);
            if (to != want)
            {
                errors++;
            }
            prevTo = to.ordinal();
            expected = s + 1;
            progress.set(s);
        }
    }

    /** latency: one BLOCK handler thread records now - send time of each transition. */
    static final class Latency extends LatencyBench
    {
        private final StateBus<St> bus;
        private final Checker checker;
        private final Subscription<St> sub;
        private long published;

        Latency(final String wait)
        {
            super("statebus");
            bus = builder(wait, false, threads).build();
            checker = latencyChecker(sendTimes, histogram);
            sub = bus.subscribe(Policy.BLOCK, checker);
        }

        @Override
        void send(final long count, final long intervalNanos) throws Exception
        {
            published = paced(published + 1, count, intervalNanos) - 1; // stamped by sequence, which starts at 1
            Harness.awaitProgress(checker.progress, published, "statebus consumer");
        }

        @Override
        void sendOne(final long seq)
        {
            bus.set((seq & 1) == 1 ? St.B : St.A);
        }

        @Override
        boolean verified()
        {
            return checker.errors == 0 && sub.delivered() == published && bus.latestSequence() == published;
        }

        @Override
        public void close()
        {
            bus.close();
        }
    }

    /**
     * await: the time from {@code set(B)} to a blocked {@code await(B)} returning, on another thread. Then
     * "blips" (B set and replaced by A at once) that the await must still report.
     */
    static final class Await extends AwaitBench
    {
        private final StateBus<St> bus = builder("-", false, threads).build();
        private final Thread awaiter;
        private volatile long round;
        private volatile long roundDone;
        private volatile long wokeAt;
        private volatile long matchedSequence;
        private volatile boolean stop;
        private long errors;
        private long awaitErrors;
        private long blips;
        private long blipsMatched;

        Await()
        {
            super("statebus");
            awaiter = threads.start(this::awaitLoop);
        }

        private void awaitLoop()
        {
            long r = 0;
            while (true)
            {
                r++;
                while (round < r)
                {
                    if (stop)
                    {
                        return;
                    }
                    Thread.onSpinWait();
                }
                try
                {
                    final Awaited<St> result = bus.await(St.B, 10, TimeUnit.SECONDS);
                    wokeAt = System.nanoTime();
                    final boolean ok = result.outcome() == Awaited.Outcome.MATCHED && result.transition().to() == St.B;
                    matchedSequence = ok ? result.transition().sequence() : -1;
                }
                catch (final Exception ex)
                {
                    matchedSequence = -2;
                }
                roundDone = r;
            }
        }

        /** Until the awaiter has joined the bus and parked: observed state, not a sleep. */
        private void awaitParked()
        {
            while (bus.subscriptionCount() == 0 || awaiter.getState() != Thread.State.TIMED_WAITING)
            {
                Thread.onSpinWait();
            }
        }

        @Override
        void rounds(final int count, final Histogram out)
        {
            for (int i = 0; i < count; i++)
            {
                final long r = round + 1;
                round = r;
                awaitParked();
                final long t0 = System.nanoTime();
                final long seq = bus.set(St.B);
                while (roundDone < r)
                {
                    Thread.onSpinWait();
                }
                out.recordValue(Math.max(0, wokeAt - t0));
                if (matchedSequence != seq)
                {
                    errors++;
                }
                bus.set(St.A);
            }
        }

        @Override
        void blips(final int count)
        {
            for (int i = 0; i < count; i++)
            {
                final long r = round + 1;
                round = r;
                awaitParked();
                final long seq = bus.set(St.B);
                bus.set(St.A); // B lasted one transition
                while (roundDone < r)
                {
                    Thread.onSpinWait();
                }
                blips++;
                if (matchedSequence == seq)
                {
                    blipsMatched++;
                }
                else
                {
                    awaitErrors++;
                }
            }
        }

        @Override
        boolean verified()
        {
            return errors == 0 && awaitErrors == 0;
        }

        @Override
        String notes()
        {
            return "short-lived B (set B; set A at once): await(B) matched " + blipsMatched + " of " + blips +
                "; wrong results " + errors;
        }

        @Override
        public void close()
        {
            stop = true;
            bus.close();
        }
    }
}
