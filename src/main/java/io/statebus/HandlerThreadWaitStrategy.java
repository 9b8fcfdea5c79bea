package io.statebus;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The bus's wait strategy as its ring sees it: the user's strategy, whose wake-up signal the producer sends only
 * while a handler thread is running. Handler threads are the only ones that wait with the strategy (pollers,
 * executors, awaits and agents never do), so a bus without them does not pay, for example, the lock that
 * {@code BlockingWaitStrategy} takes on every publish.
 *
 * <p>The one window: a publish that read "no handler thread" just before one registered may not yet be visible
 * to that thread's first look at the cursor, and sent no signal. So a new handler thread makes its first wait
 * no earlier than {@link PublishListener#REGISTRATION_RECHECK_NANOS} after it registered (see
 * {@link #firstWaitNotBefore}); by then such a publish is visible to the strategy's own check of the cursor,
 * and every later publish reads the count that includes it.
 */
final class HandlerThreadWaitStrategy implements WaitStrategy
{
    private static final VarHandle HANDLER_THREADS;

    static
    {
        try
        {
            HANDLER_THREADS = MethodHandles.lookup()
                .findVarHandle(HandlerThreadWaitStrategy.class, "handlerThreads", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final WaitStrategy strategy;
    /** Handler threads registered and not yet ended; read by the producer on every publish. */
    private volatile int handlerThreads;

    HandlerThreadWaitStrategy(final WaitStrategy strategy)
    {
        this.strategy = strategy;
    }

    @Override
    public long waitFor(
        final long sequence, final Sequence cursor, final Sequence dependentSequence, final SequenceBarrier barrier)
        throws AlertException, InterruptedException, TimeoutException
    {
        return strategy.waitFor(sequence, cursor, dependentSequence, barrier);
    }

    @Override
    public void signalAllWhenBlocking()
    {
        if (handlerThreads != 0) // volatile read, no fence: the window it leaves is covered (see the class doc)
        {
            strategy.signalAllWhenBlocking();
        }
    }

    /**
     * Before a handler thread starts: from now on publishes signal the strategy.
     *
     * @return the earliest time (System.nanoTime) the new thread may make its first wait.
     */
    long handlerThreadRegistered()
    {
        HANDLER_THREADS.getAndAdd(this, 1);
        return System.nanoTime() + PublishListener.REGISTRATION_RECHECK_NANOS;
    }

    /** After a handler thread's last wait. */
    void handlerThreadEnded()
    {
        HANDLER_THREADS.getAndAdd(this, -1);
    }

    /**
     * On a new handler thread, before its first wait: parks until the registration window has passed (usually it
     * has: starting a thread takes longer). Spurious or early wake-ups just park again; an interrupt ends it.
     */
    static void firstWaitNotBefore(final long notBefore)
    {
        long remaining;
        while ((remaining = notBefore - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted())
        {
            LockSupport.parkNanos(remaining);
        }
    }

    @Override
    public String toString()
    {
        return strategy.toString();
    }
}
