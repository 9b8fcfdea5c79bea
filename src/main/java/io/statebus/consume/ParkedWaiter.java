package io.statebus.consume;

import io.statebus.publish.PublishListener;
import io.statebus.publish.RegistrationWindow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/** Wakes one thread blocked in an await, only when it is actually parked (so a running waiter costs one read). */
public final class ParkedWaiter implements PublishListener
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
    /** Until the caller has polled after this time, parks end by it (see {@link RegistrationWindow}). */
    private long recheckAt;
    /** When the last park ended; the caller polls after each park. */
    private long wokeAt;

    /**
     * @param thread the awaiting thread.
     */
    public ParkedWaiter(final Thread thread)
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
    public void registered()
    {
        recheckAt = RegistrationWindow.closesAt();
        wokeAt = recheckAt - 1;
    }

    /**
     * Parks until woken or the deadline; the caller re-checks for work after {@link #prepare()} and before this.
     * Until the caller has polled after the registration window, the park ends by the window's end too.
     *
     * @param deadlineNanos a {@code System.nanoTime()} deadline.
     */
    public void park(final long deadlineNanos)
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
    public void prepare()
    {
        parked = true;
        VarHandle.fullFence();
    }

    /** The caller found work after {@link #prepare()}: it will not park. */
    public void cancel()
    {
        parked = false;
    }
}
