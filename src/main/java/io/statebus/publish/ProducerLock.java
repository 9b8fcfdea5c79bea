package io.statebus.publish;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Serialises the producers of a {@code ProducerMode.MULTI} bus without allocating: a CAS on one padded word, and
 * waiters that spin, yield, then park briefly. {@code ReentrantLock} would allocate a queue node per contended
 * {@code lock()}; producers here hold the lock for one publish, so a short backoff loses little.
 */
public final class ProducerLock
{
    private static final VarHandle LOCKED;

    static
    {
        try
        {
            LOCKED = MethodHandles.lookup().findVarHandle(ProducerLock.class, "locked", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused")
    private long p01, p02, p03, p04, p05, p06, p07;
    @SuppressWarnings("unused")
    private volatile int locked;
    @SuppressWarnings("unused")
    private long p11, p12, p13, p14, p15, p16, p17;
    /**
     * The holder, written by it after acquiring and cleared before releasing. Plain: a thread only ever finds
     * itself here while it holds the lock (its own writes, in program order); any other value means "not me".
     */
    private Thread holder;

    /** Acquires, waiting as long as it takes; not interruptible (the interrupt status is kept). */
    public void lock()
    {
        if (!LOCKED.compareAndSet(this, 0, 1))
        {
            lockSlowly();
        }
        holder = Thread.currentThread();
    }

    /**
     * @return whether the calling thread holds the lock (user code it runs while publishing may call back into
     *     the bus).
     */
    public boolean isHeldByCurrentThread()
    {
        return holder == Thread.currentThread();
    }

    private void lockSlowly()
    {
        boolean interrupted = false;
        for (int attempt = 0; locked != 0 || !LOCKED.compareAndSet(this, 0, 1); attempt++)
        {
            // an interrupted thread's park returns at once: clear the flag while waiting, restore it after
            interrupted |= Thread.interrupted();
            backOff(attempt);
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Acquires unless the deadline passes first.
     *
     * @param deadlineNanos a {@code System.nanoTime()} deadline.
     * @return true if acquired.
     * @throws InterruptedException if interrupted while waiting; not acquired.
     */
    public boolean tryLock(final long deadlineNanos) throws InterruptedException
    {
        if (!LOCKED.compareAndSet(this, 0, 1))
        {
            for (int attempt = 0; locked != 0 || !LOCKED.compareAndSet(this, 0, 1); attempt++)
            {
                if (Thread.interrupted())
                {
                    throw new InterruptedException(
                        "interrupted while waiting for another producer; nothing was published");
                }
                if (System.nanoTime() - deadlineNanos >= 0)
                {
                    return false;
                }
                backOff(attempt);
            }
        }
        holder = Thread.currentThread();
        return true;
    }

    /** Releases; only the holder calls it. */
    public void unlock()
    {
        holder = null;
        // release: everything the holder wrote (slot, state word, sequencer fields) is seen by the next holder
        LOCKED.setRelease(this, 0);
    }

    /** Only on contention, allocation-free: spin, yield, then park 1-16 us (a holder publishes once). */
    private static void backOff(final int attempt)
    {
        if (attempt < 64)
        {
            Thread.onSpinWait();
        }
        else if (attempt < 80)
        {
            Thread.yield();
        }
        else
        {
            LockSupport.parkNanos(1_000L << Math.min(4, attempt - 80));
        }
    }
}
