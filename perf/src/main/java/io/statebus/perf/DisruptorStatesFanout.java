package io.statebus.perf;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;

import java.util.List;

import static io.statebus.perf.DisruptorRows.halt;
import static io.statebus.perf.DisruptorRows.start;
import static io.statebus.perf.Harness.BATCH;
import static io.statebus.perf.Harness.RING;

/**
 * {@code disruptor+states}: the raw Disruptor carrying what a state bus carries (a statebus slot's shape, two
 * states alternating, the chain checked per event). Not a target peer: it shows how much of the gap between
 * {@code statebus} and the minimal-event {@code disruptor} row comes from the payload and its check, and how
 * much from statebus's own work (the state word, the owner and gate checks, the enum id check).
 */
final class DisruptorStatesFanout extends Bench
{
    private static final int A_TO_B = 1; // from id 0 (St.A) to id 1 (St.B)
    private static final int B_TO_A = 1 << 16;

    private final RingBuffer<StatesEvent> ring;
    private final StatesChecker[] checkers;
    private final List<BatchEventProcessor<StatesEvent>> processors;
    private long published;

    DisruptorStatesFanout(final int consumers, final String wait)
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
}
