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

/**
 * The raw LMAX Disruptor: a one-long event, BatchEventProcessor per consumer, same ring size and wait strategy. Here
 * the event, its checker, the processors' start and halt, and the unicast/multicastN and latency rows; the others
 * are {@link DisruptorStatesFanout} and {@link DisruptorMultiProducer}.
 */
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

    /** Checks that each event carries the sequence it was published at, in order. */
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

    /** unicast and multicastN: one producer (the calling thread), N BatchEventProcessors. */
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

    /** latency: one BatchEventProcessor records now - send time of each event. */
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
