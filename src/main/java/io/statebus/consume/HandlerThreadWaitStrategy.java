package io.statebus.consume;

import io.statebus.publish.RegistrationWindow;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
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
 * <p>A publish that read "no handler thread" just before one registered sent no signal, so a new handler
 * thread makes its first wait no earlier than the {@link RegistrationWindow} after it registered (see
 * {@link #firstWaitNotBefore}).
 */
public final class HandlerThreadWaitStrategy implements WaitStrategy
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

    /**
     * @param strategy the user's wait strategy.
     */
    public HandlerThreadWaitStrategy(final WaitStrategy strategy)
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
     * What the ring should signal: this wrapper, or, for the Disruptor's spinning, yielding and sleeping
     * strategies, whose signal does nothing, the strategy itself, so publishing pays no check at all.
     *
     * @return the strategy for the ring.
     */
    public WaitStrategy forRing()
    {
        final Class<?> type = strategy.getClass();
        final boolean signalIsNoOp = type == BusySpinWaitStrategy.class || type == YieldingWaitStrategy.class ||
            type == SleepingWaitStrategy.class;
        return signalIsNoOp ? strategy : this;
    }

    /**
     * Before a handler thread starts: from now on publishes signal the strategy.
     *
     * @return the earliest time (System.nanoTime) the new thread may make its first wait.
     */
    public long handlerThreadRegistered()
    {
        HANDLER_THREADS.getAndAdd(this, 1);
        return RegistrationWindow.closesAt();
    }

    /** After a handler thread's last wait. */
    public void handlerThreadEnded()
    {
        HANDLER_THREADS.getAndAdd(this, -1);
    }

    /**
     * On a new handler thread, before its first wait: parks until the registration window has passed (usually it
     * has: starting a thread takes longer). Spurious or early wake-ups just park again; an interrupt ends it.
     *
     * @param notBefore what {@link #handlerThreadRegistered()} returned.
     */
    public static void firstWaitNotBefore(final long notBefore)
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
