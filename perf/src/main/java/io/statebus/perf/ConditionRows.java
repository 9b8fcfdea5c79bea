package io.statebus.perf;

import com.lmax.disruptor.Sequence;
import org.HdrHistogram.Histogram;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import static io.statebus.perf.Harness.BATCH;

/**
 * The correctness column: a state guarded by a lock, {@code signalAll} on every change. A waiter wakes, reads the
 * current state, and never learns of the states that came and went meanwhile: we count those.
 */
final class ConditionRows
{
    private ConditionRows()
    {
    }

    static final class Fanout extends Bench
    {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final Sequence[] progress;
        private final long[] seen;
        private final long[] missed;
        private long version; // guarded by lock
        private boolean stop; // guarded by lock
        private long published;

        Fanout(final int waiters)
        {
            super("condition");
            progress = new Sequence[waiters];
            seen = new long[waiters];
            missed = new long[waiters];
            for (int i = 0; i < waiters; i++)
            {
                final int id = i;
                progress[i] = new Sequence(0);
                threads.start(() -> waitLoop(id));
            }
        }

        private void waitLoop(final int id)
        {
            long last = 0;
            lock.lock();
            try
            {
                while (true)
                {
                    while (version == last && !stop)
                    {
                        changed.awaitUninterruptibly();
                    }
                    if (stop)
                    {
                        return;
                    }
                    missed[id] += version - last - 1;
                    seen[id]++;
                    last = version;
                    progress[id].set(last);
                }
            }
            finally
            {
                lock.unlock();
            }
        }

        @Override
        long iteration(final long deadlineNanos)
        {
            long n = 0;
            do
            {
                for (int k = 0; k < BATCH; k++)
                {
                    lock.lock();
                    try
                    {
                        version++;
                        changed.signalAll();
                    }
                    finally
                    {
                        lock.unlock();
                    }
                }
                n += BATCH;
            }
            while (System.nanoTime() < deadlineNanos);
            published += n;
            for (final Sequence p : progress)
            {
                Harness.awaitProgress(p, published, "condition waiter");
            }
            return n;
        }

        @Override
        boolean verified()
        {
            return false; // by construction it cannot promise to show every transition
        }

        @Override
        String notes()
        {
            final StringBuilder out = new StringBuilder("transitions=" + published + "; never seen by waiter");
            for (int i = 0; i < missed.length; i++)
            {
                lock.lock();
                try
                {
                    out.append(i == 0 ? " " : ", ").append(i).append(": ").append(missed[i]).append(" (")
                        .append(String.format("%.1f%%", 100.0 * missed[i] / Math.max(1, published))).append(')');
                }
                finally
                {
                    lock.unlock();
                }
            }
            return out.toString();
        }

        @Override
        public void close()
        {
            lock.lock();
            try
            {
                stop = true;
                changed.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }
    }

    /** await peer: a waiter blocked until the state is B; the time from the change to its return. */
    static final class Await extends AwaitBench
    {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final Thread waiter;
        private boolean stateB; // guarded by lock
        private boolean roundOver; // guarded by lock
        private volatile long round;
        private volatile long roundDone;
        private volatile long wokeAt;
        private volatile boolean sawB;
        private volatile boolean stop;
        private long blips;
        private long blipsSeen;

        Await()
        {
            super("condition");
            waiter = threads.start(this::waitLoop);
        }

        private void waitLoop()
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
                lock.lock();
                try
                {
                    while (!stateB && !roundOver)
                    {
                        changed.awaitUninterruptibly();
                    }
                    wokeAt = System.nanoTime();
                    sawB = stateB;
                }
                finally
                {
                    lock.unlock();
                }
                roundDone = r;
            }
        }

        /** Until the waiter is parked in the condition (as for statebus: queued is not enough, it must sleep). */
        private void awaitWaiting()
        {
            while (true)
            {
                lock.lock();
                try
                {
                    if (lock.hasWaiters(changed) && waiter.getState() == Thread.State.WAITING)
                    {
                        return;
                    }
                }
                finally
                {
                    lock.unlock();
                }
                Thread.onSpinWait();
            }
        }

        private void set(final boolean b, final boolean over)
        {
            lock.lock();
            try
            {
                stateB = b;
                roundOver = over;
                changed.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }

        @Override
        void rounds(final int count, final Histogram out)
        {
            for (int i = 0; i < count; i++)
            {
                final long r = round + 1;
                round = r;
                awaitWaiting();
                final long t0 = System.nanoTime();
                set(true, false);
                while (roundDone < r)
                {
                    Thread.onSpinWait();
                }
                out.recordValue(Math.max(0, wokeAt - t0));
                set(false, false);
            }
        }

        @Override
        void blips(final int count)
        {
            for (int i = 0; i < count; i++)
            {
                final long r = round + 1;
                round = r;
                awaitWaiting();
                set(true, false);
                set(false, false); // B lasted one change
                set(false, true); // tell the waiter the round is over, so it does not wait forever
                while (roundDone < r)
                {
                    Thread.onSpinWait();
                }
                blips++;
                if (sawB)
                {
                    blipsSeen++;
                }
                set(false, false);
            }
        }

        @Override
        boolean verified()
        {
            return false;
        }

        @Override
        String notes()
        {
            return "short-lived B (set B; set A at once): the waiter saw " + blipsSeen + " of " + blips;
        }

        @Override
        public void close()
        {
            stop = true;
            set(false, true);
        }
    }
}
