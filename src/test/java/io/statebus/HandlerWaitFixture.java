package io.statebus;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default handler-thread wait strategy ({@link BlockingWaitStrategy}) that remembers, per thread, the highest
 * sequence it went to wait for while that sequence was not yet published. A test then knows, without sleeping or
 * reading {@link Thread#getState()}, that a handler thread has run out of transitions and waits (or is about to:
 * the strategy's own check, under its lock, decides whether it parks, and a close or a publish reaches it either
 * way). Public for the {@code proof} tests.
 */
public final class HandlerWaitFixture implements WaitStrategy
{
    private final WaitStrategy delegate = new BlockingWaitStrategy();
    private final Map<Thread, Long> waitingFor = new ConcurrentHashMap<>();

    @Override
    public long waitFor(
        final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
        throws AlertException, InterruptedException, TimeoutException
    {
        if (cursor.get() < sequence)
        {
            waitingFor.merge(Thread.currentThread(), sequence, Math::max);
        }
        return delegate.waitFor(sequence, cursor, dependentSequence, barrier);
    }

    @Override
    public void signalAllWhenBlocking()
    {
        delegate.signalAllWhenBlocking();
    }

    /**
     * Waits until {@code handlerThread} waits for {@code sequence} or a later one, not yet published (true), or
     * has ended (false); fails if neither happens within the bounded wait.
     */
    public boolean awaitWaitingFor(final Thread handlerThread, final long sequence)
    {
        TestAwait.until(() -> waitingFor.getOrDefault(handlerThread, 0L) >= sequence || !handlerThread.isAlive(),
            "'" + handlerThread.getName() + "' waits for #" + sequence + " or ends");
        return waitingFor.getOrDefault(handlerThread, 0L) >= sequence;
    }
}
