package io.statebus.read;

import io.statebus.StateBusClosedException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A reader's lifecycle, one word, as the Disruptor's {@code BatchEventProcessor} keeps its running state:
 * {@code OPEN -> DRAINING} (the bus closed: deliver what was published, then end),
 * {@code OPEN | DRAINING -> CLOSED} (closed by its user) or {@code -> FAILED} (its handler threw, the cause kept).
 * Each change is one CAS, so exactly one caller releases the reader. A layer of {@link Reader}, not an object of
 * its own: the read loops check the word with no extra hop.
 */
abstract class ReaderLifecycle
{
    static final int OPEN = 0;
    static final int DRAINING = 1;
    static final int CLOSED = 2;
    static final int FAILED = 3;

    private static final VarHandle STATUS;
    private static final VarHandle FAILURE;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATUS = lookup.findVarHandle(ReaderLifecycle.class, "status", int.class);
            FAILURE = lookup.findVarHandle(ReaderLifecycle.class, "failure", Throwable.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    volatile int status = OPEN;
    /** Written before the status becomes FAILED: whoever sees FAILED sees it. */
    private volatile Throwable failure;

    /** Called once, by whoever ended the reader (closed or failed it): stop gating, detach, wake the consumer. */
    abstract void release();

    /** Wakes a consumer waiting for the next transition, so it sees the new status. */
    abstract void wakeConsumer();

    /** For promptness only: opaque, so no fence orders it with the slot reads around it. */
    boolean isEndedNow()
    {
        return (int)STATUS.getOpaque(this) > DRAINING;
    }

    /** Plain: sees a close made on the consuming thread itself (a handler closing its own subscription). */
    boolean isEndedHere()
    {
        return (int)STATUS.get(this) > DRAINING;
    }

    /**
     * Fails this reader: it stops gating and delivering; {@link #failure()} reports the cause.
     *
     * @param cause what the handler threw.
     */
    public void fail(final Throwable cause)
    {
        // the first cause only, and before the status: whoever sees FAILED sees the cause that failed it
        FAILURE.compareAndSet(this, null, cause);
        if (STATUS.compareAndSet(this, OPEN, FAILED) || STATUS.compareAndSet(this, DRAINING, FAILED))
        {
            release();
        }
    }

    /** Closes; idempotent, from any thread. A BLOCK reader stops gating at once. */
    public void close()
    {
        if (STATUS.compareAndSet(this, OPEN, CLOSED) || STATUS.compareAndSet(this, DRAINING, CLOSED))
        {
            release();
        }
    }

    /** The bus closed: deliver what was published, then end. */
    void busClosed()
    {
        STATUS.compareAndSet(this, OPEN, DRAINING);
        wakeConsumer();
    }

    /**
     * @return the exception a closed, failed or drained reader's poll throws.
     */
    public StateBusClosedException closedException()
    {
        final int now = status;
        if (now == FAILED)
        {
            return new StateBusClosedException("subscription failed: its handler threw " + failure, failure);
        }
        if (now == CLOSED)
        {
            return new StateBusClosedException("subscription is closed");
        }
        return new StateBusClosedException("bus is closed and every transition published before was delivered");
    }

    /** @return true while open (not closed, failed, or the bus closed). */
    public boolean isOpen()
    {
        return status == OPEN;
    }

    /** @return true once closed or failed (not merely draining after the bus closed). */
    public boolean isEnded()
    {
        return status > DRAINING;
    }

    /** @return true once the bus closed and this reader has not been closed or failed since. */
    public boolean isDraining()
    {
        return status == DRAINING;
    }

    /** @return the cause if the handler failed this reader, else null. */
    public Throwable failure()
    {
        return status == FAILED ? failure : null;
    }
}
