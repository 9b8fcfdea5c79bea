package io.statebus;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A handler-thread wait strategy that blocks as the default {@link BlockingWaitStrategy} does (a monitor, woken by
 * every publish while a handler thread runs) and remembers, per thread, the highest sequence it parked waiting for.
 * It records inside the monitor, just before {@code wait()}: a publish's signal needs the monitor, so any publish
 * after a test has seen the record wakes a thread that really waits. So a test knows that a handler thread has run
 * out of transitions and waits, without sleeping or reading {@link Thread#getState()}. Public for the
 * {@code proof} tests.
 */
public final class HandlerWaitFixture implements WaitStrategy
{
    private final Object mutex = new Object();
    private final Map<Thread, Long> parkedFor = new ConcurrentHashMap<>();

    @Override
    public long waitFor(
        final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
        throws AlertException, InterruptedException
    {
        if (cursor.get() < sequence)
        {
            synchronized (mutex)
            {
                while (cursor.get() < sequence)
                {
                    barrier.checkAlert();
                    parkedFor.merge(Thread.currentThread(), sequence, Math::max);
                    mutex.wait();
                }
            }
        }
        long available;
        while ((available = dependentSequence.get()) < sequence)
        {
            barrier.checkAlert();
            Thread.onSpinWait();
        }
        return available;
    }

    @Override
    public void signalAllWhenBlocking()
    {
        synchronized (mutex)
        {
            mutex.notifyAll();
        }
    }

    /**
     * Waits until {@code handlerThread} has parked waiting for {@code sequence} or a later one (true), or has ended
     * (false); fails if neither happens within the bounded wait.
     */
    public boolean awaitWaitingFor(final Thread handlerThread, final long sequence)
    {
        TestAwait.until(() -> parkedFor.getOrDefault(handlerThread, 0L) >= sequence || !handlerThread.isAlive(),
            "'" + handlerThread.getName() + "' waits for #" + sequence + " or ends");
        return parkedFor.getOrDefault(handlerThread, 0L) >= sequence;
    }
}
