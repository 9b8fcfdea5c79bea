package io.statebus.flow;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

/**
 * A subscription's outstanding demand: raised by {@code request(n)} from any thread (CAS, saturating at
 * {@code Long.MAX_VALUE}, which then means "unbounded", rule 3.17), lowered by one per {@code onNext} by the
 * delivery (CAS). The delivery reads it as its limit.
 */
final class Demand implements LongSupplier
{
    private static final VarHandle OUTSTANDING;

    static
    {
        try
        {
            OUTSTANDING = MethodHandles.lookup().findVarHandle(Demand.class, "outstanding", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private volatile long outstanding;

    /**
     * @param n more items the subscriber asks for, at least 1.
     * @return false if the demand was unbounded already (nothing changed), else true.
     */
    boolean raise(final long n)
    {
        long now;
        long raised;
        do
        {
            now = outstanding;
            if (now == Long.MAX_VALUE)
            {
                return false; // unbounded already
            }
            raised = now + n;
            if (raised < 0)
            {
                raised = Long.MAX_VALUE; // rule 3.17: saturate, never overflow
            }
        }
        while (!OUTSTANDING.compareAndSet(this, now, raised));
        return true;
    }

    /** Lowers the demand by the transition about to be delivered; the delivery's limit keeps it from going below 0. */
    void takeOne()
    {
        long now;
        do
        {
            now = outstanding;
            if (now == Long.MAX_VALUE)
            {
                return;
            }
        }
        while (!OUTSTANDING.compareAndSet(this, now, now - 1));
    }

    @Override
    public long getAsLong()
    {
        return outstanding;
    }
}
