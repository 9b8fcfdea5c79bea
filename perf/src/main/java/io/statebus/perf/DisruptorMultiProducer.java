package io.statebus.perf;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import io.statebus.perf.DisruptorRows.Checker;
import io.statebus.perf.DisruptorRows.LongEvent;

import java.util.List;

import static io.statebus.perf.DisruptorRows.halt;
import static io.statebus.perf.DisruptorRows.start;
import static io.statebus.perf.Harness.BATCH;
import static io.statebus.perf.Harness.RING;

/** multiproducer2 on the raw Disruptor: a multi-producer ring, two producer threads, one checking consumer. */
final class DisruptorMultiProducer extends Bench
{
    private final RingBuffer<LongEvent> ring;
    private final MpChecker checker = new MpChecker();
    private final List<BatchEventProcessor<LongEvent>> processors;
    private final ProducerPair producers;
    private long published;

    @SuppressWarnings("unchecked")
    DisruptorMultiProducer(final String wait)
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
}
