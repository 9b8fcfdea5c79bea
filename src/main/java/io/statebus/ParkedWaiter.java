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
    /** Until the caller has polled after this time, parks end by it (see {@link PublishListener}). */
    private long recheckAt;
    /** When the last park ended; the caller polls after each park. */
    private long wokeAt;

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

    /** Call right after the bus registered this waiter as a listener. */
    void registered()
    {
        recheckAt = System.nanoTime() + REGISTRATION_RECHECK_NANOS;
        wokeAt = recheckAt - 1;
    }

    /**
     * Parks until woken or the deadline; the caller re-checks for work after {@link #prepare()} and before this.
     * Until the caller has polled after the registration window, the park ends by the window's end too.
     */
    void park(final long deadlineNanos)
    {
        // the window is closed once a park has ended after it, because the caller polled since then
        final boolean windowOpen = wokeAt - recheckAt < 0;
        final long wakeAt = windowOpen && recheckAt - deadlineNanos < 0 ? recheckAt : deadlineNanos;
        final long remaining = wakeAt - System.nanoTime();
        if (remaining > 0)
        {
            LockSupport.parkNanos(this, remaining);
        }
        wokeAt = System.nanoTime();
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
