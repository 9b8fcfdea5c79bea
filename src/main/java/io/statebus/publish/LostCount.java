package io.statebus.publish;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * How many of its source's sequences a mirror never received: written by the mirror's appending thread, read by
 * any thread (counters, {@code lost()}).
 */
final class LostCount
{
    private static final VarHandle COUNT;

    static
    {
        try
        {
            COUNT = MethodHandles.lookup().findVarHandle(LostCount.class, "count", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused")
    private long count;

    /** Owner only: {@code more} sequences more were lost. */
    void add(final long more)
    {
        if (more > 0)
        {
            COUNT.setRelease(this, (long)COUNT.get(this) + more); // release: a reader's acquire sees a whole count
        }
    }

    /** @return the count, from any thread. */
    long get()
    {
        return (long)COUNT.getAcquire(this);
    }
}
