package io.statebus.perf;

import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Transition;
import io.statebus.flow.TransitionPublisher;
import io.statebus.perf.Harness.St;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;

/**
 * {@code statebus-flow}: the statebus rows' bus (single-producer, no clock, the builder's blocking wait strategy)
 * consumed through its {@link Flow.Publisher} adapter, {@link TransitionPublisher} with {@link Policy#BLOCK}, by
 * the kind of subscriber the reactive rows have: each on a single-thread executor of its own (one
 * {@code TransitionPublisher} per subscriber, since a publisher delivers on one executor), requesting in batches
 * as Reactor's {@code publishOn} does with its default prefetch: {@code request(256)} first, then
 * {@code request(192)} each time 192 (75 %) have arrived. Every subscriber checks every transition with
 * {@link StateBusRows.Checker} (sequence order, {@code from == previous to}). Each {@code onNext} item is the
 * adapter's immutable copy, so the row allocates per transition by design; the allocation is measured like every
 * row's.
 */
final class FlowRows
{
    /** Reactor's default {@code publishOn} prefetch, and its replenishing point (prefetch - prefetch / 4). */
    static final int PREFETCH = 256;
    static final int REPLENISH = PREFETCH - (PREFETCH >> 2);

    private FlowRows()
    {
    }

    /** Requests {@value #PREFETCH}, then {@value #REPLENISH} more each time that many have arrived; checks each. */
    static final class BatchingSubscriber implements Flow.Subscriber<Transition<St>>
    {
        private final StateBusRows.Checker checker;
        private Flow.Subscription subscription;
        private int sinceRequest;
        volatile Throwable failure;
        volatile boolean completed;

        BatchingSubscriber(final StateBusRows.Checker checker)
        {
            this.checker = checker;
        }

        @Override
        public void onSubscribe(final Flow.Subscription s)
        {
            subscription = s;
            s.request(PREFETCH);
        }

        @Override
        public void onNext(final Transition<St> item)
        {
            checker.onTransition(item, false);
            if (++sinceRequest == REPLENISH)
            {
                sinceRequest = 0;
                subscription.request(REPLENISH);
            }
        }

        @Override
        public void onError(final Throwable error)
        {
            failure = error;
        }

        @Override
        public void onComplete()
        {
            completed = true;
        }
    }

    /** multicast3 (N subscribers) and latency (one, timed). */
    static final class Fanout extends LatencyBench
    {
        private final StateBus<St> bus;
        private final StateBusRows.Checker[] checkers;
        private final List<BatchingSubscriber> subscribers = new ArrayList<>();
        private final List<ExecutorService> executors = new ArrayList<>();
        private long published;

        Fanout(final int consumers, final String wait, final boolean latency)
        {
            super("statebus-flow");
            bus = StateBusRows.builder(wait, false, threads).build();
            checkers = new StateBusRows.Checker[consumers];
            for (int i = 0; i < consumers; i++)
            {
                checkers[i] = latency ? StateBusRows.latencyChecker(sendTimes, histogram) : new StateBusRows.Checker(St.A);
                final ExecutorService executor = Executors.newSingleThreadExecutor(threads);
                executors.add(executor);
                final BatchingSubscriber subscriber = new BatchingSubscriber(checkers[i]);
                subscribers.add(subscriber);
                new TransitionPublisher<>(bus, Policy.BLOCK, executor).subscribe(subscriber);
            }
        }

        @Override
        long iteration(final long deadlineNanos)
        {
            final long n = StateBusRows.publishUntil(bus, deadlineNanos);
            published += n;
            awaitAll();
            return n;
        }

        @Override
        void send(final long count, final long intervalNanos) throws Exception
        {
            published = paced(published + 1, count, intervalNanos) - 1; // stamped by sequence, which starts at 1
            awaitAll();
        }

        @Override
        void sendOne(final long seq)
        {
            bus.set((seq & 1) == 1 ? St.B : St.A);
        }

        private void awaitAll()
        {
            for (final StateBusRows.Checker checker : checkers)
            {
                Harness.awaitProgress(checker.progress, published, "Flow subscriber");
            }
        }

        @Override
        boolean verified()
        {
            boolean ok = bus.latestSequence() == published;
            for (int i = 0; i < checkers.length; i++)
            {
                ok &= checkers[i].errors == 0 && checkers[i].progress.get() == published &&
                    subscribers.get(i).failure == null;
            }
            return ok;
        }

        @Override
        String notes()
        {
            return "TransitionPublisher(bus, BLOCK, executor) per subscriber, each on its own single-thread executor, " +
                "request(" + PREFETCH + ") then request(" + REPLENISH + ") per " + REPLENISH + " received " +
                "(publishOn's default prefetch); single-producer bus, blocking wait strategy, no clock; producer " +
                "found the ring full " + bus.producerWaits() + " times, waited " + bus.producerWaitNanos() / 1_000_000 +
                " ms in all, published " + published;
        }

        @Override
        public void close()
        {
            bus.close();
            executors.forEach(ExecutorService::shutdownNow);
        }
    }
}
