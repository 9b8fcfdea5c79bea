package io.statebus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/** Wakes one thread blocked in an await, only when it is actually parked (so a running waiter costs one read). */
final class ParkedWaiter implements PublishListener
{
    private static final VarHandle PARKED;

    static
    {
        try
        {
            PARKED = MethodHandles.lookup().findVarHandle(ParkedWaiter.class, "parked", boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Thread thread;
    @SuppressWarnings("unused")
    private volatile boolean parked;

    ParkedWaiter(final Thread thread)
    {
        this.thread = thread;
    }

    /** Producer thread, after its publish and a full fence. */
    @Override
    public void onPublish()
    {
        if (parked && PARKED.compareAndSet(this, true, false))
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Parks until woken or the deadline; the caller re-checks for work after {@link #prepare()} and before this.
     */
    void park(final long deadlineNanos)
    {
        final long remaining = deadlineNanos - System.nanoTime();
        if (remaining > 0)
        {
            LockSupport.parkNanos(this, remaining);
        }
        parked = false;
    }

    /** Announce the park, then fence: the producer publishes, fences, reads this flag; we set it, fence, re-check. */
    void prepare()
    {
        parked = true;
        VarHandle.fullFence();
    }

    void cancel()
    {
        parked = false;
    }
}
