package io.statebus.perf;

import com.lmax.disruptor.Sequence;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.StateBusBuilder;
import io.statebus.Subscription;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import io.statebus.perf.Harness.St;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.SystemNanoClock;


import static io.statebus.perf.Harness.BATCH;
import static io.statebus.perf.Harness.MASK;
import static io.statebus.perf.Harness.RING;

/**
 * The statebus rows: handler-thread subscriptions ({@code Policy.BLOCK}) on the bus's Disruptor wait strategy. Here
 * the bus they share, the producer loop, the checker, and the unicast/multicastN and latency rows; the others are
 * {@link StateBusMixed}, {@link StateBusMultiProducer} and {@link StateBusAwait}.
 */
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
}
