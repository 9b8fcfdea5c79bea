package io.statebus.perf;

import io.statebus.perf.QueueRows.Checker;
import io.statebus.perf.QueueRows.SlowChecker;

import java.util.concurrent.ArrayBlockingQueue;

import static io.statebus.perf.Harness.BATCH;
import static io.statebus.perf.Harness.RING;
import static io.statebus.perf.QueueRows.box;

/** mixed over ArrayBlockingQueues: put to the lossless consumer, offer (drop when full) to the slow one. */
final class AbqMixed extends Bench
{
    private final ArrayBlockingQueue<Long> fastQueue = new ArrayBlockingQueue<>(RING);
    private final ArrayBlockingQueue<Long> slowQueue = new ArrayBlockingQueue<>(RING);
    private final Checker fast = new Checker(null, null);
    private final SlowChecker slow;
    private long dropped;
    private long published;

    AbqMixed(final int work)
    {
        super("abq");
        threads.start(() -> {
            try
            {
                while (true)
                {
                    fast.accept(fastQueue.take());
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
        slow = new SlowChecker(work);
        threads.start(() -> {
            try
            {
                while (true)
                {
                    slow.accept(slowQueue.take());
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Override
    long iteration(final long deadlineNanos) throws InterruptedException
    {
        long i = published;
        long drops = 0;
        do
        {
            for (int k = 0; k < BATCH; k++)
            {
                final Long v = box(i++);
                fastQueue.put(v);
                if (!slowQueue.offer(v))
                {
                    drops++;
                }
            }
        }
        while (System.nanoTime() < deadlineNanos);
        final long n = i - published;
        published = i;
        dropped += drops;
        Harness.awaitProgress(fast.progress, published, "abq consumer");
        doneNanos = System.nanoTime();
        Harness.awaitProgress(slow.progress, published - dropped, "abq slow consumer");
        return n;
    }

    @Override
    boolean verified()
    {
        return false; // the slow consumer drops by design; the lossless one is checked below in notes
    }

    @Override
    String notes()
    {
        return "lossless consumer errors=" + fast.errors + " received=" + fast.received + "/" + published +
            "; slow consumer (offer, drop when full): received=" + slow.received + " dropped=" + dropped +
            " order errors=" + slow.errors;
    }
}
