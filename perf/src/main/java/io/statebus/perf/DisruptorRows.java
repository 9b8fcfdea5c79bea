package io.statebus.perf;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

import static io.statebus.perf.Harness.BATCH;
import static io.statebus.perf.Harness.MASK;
import static io.statebus.perf.Harness.RING;

/** The raw LMAX Disruptor: a one-long event, BatchEventProcessor per consumer, same ring size and wait strategy. */
final class DisruptorRows
{
    private DisruptorRows()
    {
    }

    /** The minimal event: one long (the sequence the producer meant, checked by the consumer). */
    static final class LongEvent
    {
        long value;
    }

    static class Checker implements EventHandler<LongEvent>
    {
        final Sequence progress = new Sequence(0);
        long expected;
        long errors;

        @Override
        public void onEvent(final LongEvent event, final long sequence, final boolean endOfBatch)
        {
            final long s = expected;
            if (event.value != s || sequence != s)
            {
                errors++;
            }
            expected = s + 1;
            progress.set(s + 1);
        }
    }

    /** Starts one BatchEventProcessor per handler on tracked threads, each gating the producer. */
    static <E> List<BatchEventProcessor<E>> start(
        final RingBuffer<E> ring, final Harness.TrackedThreads threads, final EventHandler<E>[] handlers)
    {
        final List<BatchEventProcessor<E>> processors = new ArrayList<>();
        for (final EventHandler<E> handler : handlers)
        {
            final BatchEventProcessor<E> processor =
                new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), handler);
            ring.addGatingSequences(processor.getSequence());
            processors.add(processor);
        }
        for (final BatchEventProcessor<E> processor : processors)
        {
            threads.start(processor);
        }
        return processors;
    }

    static void halt(final List<? extends BatchEventProcessor<?>> processors)
    {
        processors.forEach(BatchEventProcessor::halt);
    }

    static final class Fanout extends Bench
    {
        private final RingBuffer<LongEvent> ring;
        private final Checker[] checkers;
        private final List<BatchEventProcessor<LongEvent>> processors;
        private long published;

        Fanout(final int consumers, final String wait)
        {
            super("disruptor");
            ring = RingBuffer.createSingleProducer(LongEvent::new, RING, Harness.waitStrategy(wait));
            checkers = new Checker[consumers];
            for (int i = 0; i < consumers; i++)
            {
                checkers[i] = new Checker();
            }
            processors = start(ring, threads, checkers);
        }

        @Override
        long iteration(final long deadlineNanos)
        {
            final RingBuffer<LongEvent> ring = this.ring;
            long value = published;
            do
            {
                for (int k = 0; k < BATCH; k++)
                {
                    final long seq = ring.next();
                    ring.get(seq).value = value++;
                    ring.publish(seq);
                }
            }
            while (System.nanoTime() < deadlineNanos);
            final long n = value - published;
            published = value;
            for (final Checker checker : checkers)
            {
                Harness.awaitProgress(checker.progress, published, "disruptor consumer");
            }
            return n;
        }

        @Override
        boolean verified()
        {
            boolean ok = ring.getCursor() + 1 == published;
            for (final Checker checker : checkers)
            {
                ok &= checker.errors == 0 && checker.progress.get() == published;
            }
            return ok;
        }

        @Override
        public void close()
        {
            halt(processors);
        }
    }

    /**
     * An event of a statebus slot's shape: {@code from << 16 | to} in one {@code int}, 16 bytes with its header.
     */
    static final class StatesEvent
    {
        int states;
    }

    /** Checks what the statebus checker checks: sequence order and {@code from == previous to}. */
    static final class StatesChecker implements EventHandler<StatesEvent>
    {
        final Sequence progress = new Sequence(0);
        long expected;
        int prevTo;
        long errors;

        @Override
        public void onEvent(final StatesEvent event, final long sequence, final boolean endOfBatch)
        {
            final long s = expected;
            final int states = event.states;
            if (sequence != s || states >>> 16 != prevTo)
            {
                errors++;
            }
            prevTo = states & 0xFFFF;
            expected = s + 1;
            progress.set(s + 1);
        }
    }

    /**
     * {@code disruptor+states}: the raw Disruptor carrying what a state bus carries (a statebus slot's shape, two
     * states alternating, the chain checked per event). Not a target peer: it shows how much of the gap between
     * {@code statebus} and the minimal-event {@code disruptor} row comes from the payload and its check, and how
     * much from statebus's own work (the state word, the owner and gate checks, the enum id check).
     */
    static final class StatesFanout extends Bench
    {
        private static final int A_TO_B = 1; // from id 0 (St.A) to id 1 (St.B)
        private static final int B_TO_A = 1 << 16;

        private final RingBuffer<StatesEvent> ring;
        private final StatesChecker[] checkers;
        private final List<BatchEventProcessor<StatesEvent>> processors;
        private long published;

        StatesFanout(final int consumers, final String wait)
        {
            super("disruptor+states");
            ring = RingBuffer.createSingleProducer(StatesEvent::new, RING, Harness.waitStrategy(wait));
            checkers = new StatesChecker[consumers];
            for (int i = 0; i < consumers; i++)
            {
                checkers[i] = new StatesChecker();
            }
            processors = start(ring, threads, checkers);
        }

        @Override
        long iteration(final long deadlineNanos)
        {
            final RingBuffer<StatesEvent> ring = this.ring;
            long n = 0;
            do
            {
                for (int k = 0; k < BATCH; k += 2)
                {
                    long seq = ring.next();
                    ring.get(seq).states = A_TO_B;
                    ring.publish(seq);
                    seq = ring.next();
                    ring.get(seq).states = B_TO_A;
                    ring.publish(seq);
                }
                n += BATCH;
            }
            while (System.nanoTime() < deadlineNanos);
            published += n;
            for (final StatesChecker checker : checkers)
            {
                Harness.awaitProgress(checker.progress, published, "disruptor+states consumer");
            }
            return n;
        }

        @Override
        boolean verified()
        {
            boolean ok = ring.getCursor() + 1 == published;
            for (final StatesChecker checker : checkers)
            {
                ok &= checker.errors == 0 && checker.progress.get() == published;
            }
            return ok;
        }

        @Override
        public void close()
        {
            halt(processors);
        }
    }

    static final class MultiProducer extends Bench
    {
        private final RingBuffer<LongEvent> ring;
        private final MpChecker checker = new MpChecker();
        private final List<BatchEventProcessor<LongEvent>> processors;
        private final ProducerPair producers;
        private long published;

        @SuppressWarnings("unchecked")
        MultiProducer(final String wait)
        {
            super("disruptor");
            ring = RingBuffer.createMultiProducer(LongEvent::new, RING, Harness.waitStrategy(wait));
            processors = start(ring, threads, new EventHandler[] {checker});
            producers = new ProducerPair(threads, (id, first, deadline) -> {
                final RingBuffer<LongEvent> ring = this.ring;
                final long tag = (long)id << 40;
                long k = first;
                do
                {
                    for (int i = 0; i < BATCH; i++)
                    {
                        final long seq = ring.next();
                        ring.get(seq).value = tag | k++;
                        ring.publish(seq);
                    }
                }
                while (System.nanoTime() < deadline);
                return k - first;
            });
        }

        @Override
        long iteration(final long deadlineNanos) throws Exception
        {
            final long n = producers.run(deadlineNanos);
            published += n;
            Harness.awaitProgress(checker.progress, published, "disruptor consumer");
            return n;
        }

        @Override
        boolean verified()
        {
            return checker.errors == 0 && checker.progress.get() == published &&
                checker.counts[0] == producers.published(0) && checker.counts[1] == producers.published(1);
        }

        @Override
        public void close() throws Exception
        {
            producers.close();
            halt(processors);
        }
    }

    /** Checks ring order and each producer's own order (value = producer id << 40 | its counter). */
    static final class MpChecker extends Checker
    {
        final long[] counts = new long[2];

        @Override
        public void onEvent(final LongEvent event, final long sequence, final boolean endOfBatch)
        {
            final long s = expected;
            final int id = (int)(event.value >>> 40);
            if (sequence != s || id > 1 || (event.value & ((1L << 40) - 1)) != counts[id & 1])
            {
                errors++;
            }
            counts[id & 1]++;
            expected = s + 1;
            progress.set(s + 1);
        }
    }

    @SuppressWarnings("unchecked")
    static final class Latency extends LatencyBench
    {
        private final RingBuffer<LongEvent> ring;
        private final Checker checker;
        private final List<BatchEventProcessor<LongEvent>> processors;
        private long published;

        Latency(final String wait)
        {
            super("disruptor");
            ring = RingBuffer.createSingleProducer(LongEvent::new, RING, Harness.waitStrategy(wait));
            final long[] sent = sendTimes;
            final Histogram h = histogram;
            checker = new Checker()
            {
                @Override
                public void onEvent(final LongEvent event, final long sequence, final boolean endOfBatch)
                {
                    h.recordValue(System.nanoTime() - sent[(int)(event.value & MASK)]);
                    super.onEvent(event, sequence, endOfBatch);
                }
            };
            processors = start(ring, threads, new EventHandler[] {checker});
        }

        @Override
        void send(final long count, final long intervalNanos) throws Exception
        {
            published = paced(published, count, intervalNanos); // stamped before the claim, as for statebus's set()
            Harness.awaitProgress(checker.progress, published, "disruptor consumer");
        }

        @Override
        void sendOne(final long value)
        {
            final long seq = ring.next();
            ring.get(seq).value = value;
            ring.publish(seq);
        }

        @Override
        boolean verified()
        {
            return checker.errors == 0 && checker.progress.get() == published;
        }

        @Override
        public void close()
        {
            halt(processors);
        }
    }
}
