package io.statebus.perf;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static io.statebus.perf.Harness.BATCH;

/**
 * The reactive peers, what a Java user reaches for first to let several components watch a changing value:
 * <ul>
 *   <li>{@code reactor-sinks}: Reactor's {@code Sinks.many().multicast().onBackpressureBuffer(RING, false)}, each
 *   consumer {@code asFlux().publishOn(Schedulers.newSingle(..))} (its own thread, default prefetch 256);</li>
 *   <li>{@code rxjava-behavior}: RxJava's {@code BehaviorProcessor}, each consumer
 *   {@code observeOn(Schedulers.from(newSingleThreadExecutor), false, RING)} (its own thread).</li>
 * </ul>
 * Lossless as Reactive Streams intends: the producer waits for demand. Reactor's {@code tryEmitNext} answers
 * {@code FAIL_OVERFLOW} when the sink's buffer is full and RxJava's {@code offer} answers false when a subscriber
 * has no demand (a {@code BehaviorProcessor} holds no queue of its own, so each {@code observeOn} queue is the ring's
 * size); either way the producer yields and retries the same value, as the other queue rows' producers wait. The
 * values are {@link Harness#POOL}'s pre-boxed {@code Long}s and every consumer checks each one in order with
 * {@link QueueRows.Checker}. In {@code mixed} the slow consumer is {@code onBackpressureDrop(count)} before its
 * thread, the libraries' own way to let one consumer lose values rather than hold the producer (the drops are
 * counted, but the consumer is not told what it lost, so those rows are never {@code verified}).
 */
final class ReactiveRows
{
    private ReactiveRows()
    {
    }

    /**
     * What differs between the two libraries: one way to emit, one way to attach a consumer on its own thread
     * ({@link ReactorSinksWiring}, {@link RxBehaviorWiring}).
     */
    abstract static class Wiring implements AutoCloseable
    {
        /** Emits refused for want of demand; written and read by the producer thread only. */
        private long refused;

        /** Hands {@code v} to every subscriber, or answers false (nothing emitted) when one has no room. */
        abstract boolean tryEmit(Long v);

        /** Attaches {@code consumer} on a thread of its own; a lossy one drops (calling {@code onDrop}) when full. */
        abstract void subscribe(Consumer<Long> consumer, Runnable onDrop, Harness.TrackedThreads threads);

        /** How this row is set up, for notes.txt. */
        abstract String setup();

        /** Emits {@code v}, yielding while the library has no room for it (back-pressure: wait, never drop). */
        final void emit(final Long v)
        {
            while (!tryEmit(v))
            {
                refused++;
                Harness.idle(false);
            }
        }

        /** Emits values {@code first, first + 1, ...} in batches until the deadline; returns how many. */
        final long emitUntil(final long first, final long deadlineNanos)
        {
            long i = first;
            do
            {
                for (int k = 0; k < BATCH; k++)
                {
                    emit(QueueRows.box(i++));
                }
            }
            while (System.nanoTime() < deadlineNanos);
            return i - first;
        }

        final String notes()
        {
            return setup() + "; the producer found no demand " + refused + " times (yielded, then emitted again)";
        }

        @Override
        public abstract void close();
    }

    /** The wiring of {@code system}: {@code reactor-sinks} or {@code rxjava-behavior}. */
    static Wiring wiring(final String system)
    {
        switch (system)
        {
            case "reactor-sinks":
                return new ReactorSinksWiring();
            case "rxjava-behavior":
                return new RxBehaviorWiring();
            default:
                throw new IllegalArgumentException("no reactive system " + system);
        }
    }

    /** multicast3 (N lossless consumers) and latency (one consumer, timed). */
    static final class Fanout extends LatencyBench
    {
        private final Wiring wiring;
        private final QueueRows.Checker[] checkers;
        private long published;

        Fanout(final String system, final int consumers, final boolean latency)
        {
            super(system);
            wiring = wiring(system);
            checkers = new QueueRows.Checker[consumers];
            for (int i = 0; i < consumers; i++)
            {
                final QueueRows.Checker checker = new QueueRows.Checker(sendTimes, latency ? histogram : null);
                checkers[i] = checker;
                wiring.subscribe(checker::accept, null, threads);
            }
        }

        @Override
        long iteration(final long deadlineNanos)
        {
            final long n = wiring.emitUntil(published, deadlineNanos);
            published += n;
            for (final QueueRows.Checker checker : checkers)
            {
                Harness.awaitProgress(checker.progress, published, "reactive consumer");
            }
            return n;
        }

        @Override
        void send(final long count, final long intervalNanos) throws Exception
        {
            published = paced(published, count, intervalNanos);
            Harness.awaitProgress(checkers[0].progress, published, "reactive consumer");
        }

        @Override
        void sendOne(final long i)
        {
            wiring.emit(QueueRows.box(i));
        }

        @Override
        boolean verified()
        {
            return QueueRows.Checker.allSaw(checkers, published);
        }

        @Override
        String notes()
        {
            return wiring.notes();
        }

        @Override
        public void close()
        {
            wiring.close();
        }
    }

    /**
     * mixed: one lossless consumer and one slow consumer behind {@code onBackpressureDrop}, whose drops (counted on
     * the producer's thread, where the operator runs) are the analogue of a GAP subscription's missed count.
     */
    static final class Mixed extends Bench
    {
        private final Wiring wiring;
        private final QueueRows.Checker fast = new QueueRows.Checker(null, null);
        private final QueueRows.SlowChecker slow;
        /** Atomic: Reactor's sink may drain, and so drop, on a consumer's thread when it requests more. */
        private final AtomicLong dropped = new AtomicLong();
        private long published;

        Mixed(final String system, final int work)
        {
            super(system);
            wiring = wiring(system);
            slow = new QueueRows.SlowChecker(work);
            wiring.subscribe(fast::accept, null, threads);
            wiring.subscribe(slow::accept, dropped::incrementAndGet, threads);
        }

        @Override
        long iteration(final long deadlineNanos)
        {
            final long n = wiring.emitUntil(published, deadlineNanos);
            published += n;
            Harness.awaitProgress(fast.progress, published, "lossless consumer");
            doneNanos = System.nanoTime();
            // every value has passed the drop operator once the lossless consumer has them all, so the count is final
            Harness.awaitProgress(slow.progress, published - dropped.get(), "slow consumer");
            return n;
        }

        @Override
        boolean verified()
        {
            return false; // the slow consumer drops by design and is not told what it lost; see notes
        }

        @Override
        String notes()
        {
            return wiring.notes() + "; lossless consumer errors=" + fast.errors + " received=" + fast.received + "/" + published +
                "; slow consumer (onBackpressureDrop): received=" + slow.received + " dropped=" + dropped.get() +
                " order errors=" + slow.errors;
        }

        @Override
        public void close()
        {
            wiring.close();
        }
    }
}
