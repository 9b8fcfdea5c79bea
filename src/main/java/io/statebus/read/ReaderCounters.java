package io.statebus.read;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A reader's counters: delivered, missed, gaps. Single writer (the consuming thread) with release stores, once per
 * batch for {@code delivered} and once per lap for the others; acquire loads by anyone, so a thread that sees a
 * position (acquire) sees counters that account for it.
 */
final class ReaderCounters
{
    private static final VarHandle DELIVERED;
    private static final VarHandle MISSED;
    private static final VarHandle GAPS;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            DELIVERED = lookup.findVarHandle(ReaderCounters.class, "delivered", long.class);
            MISSED = lookup.findVarHandle(ReaderCounters.class, "missed", long.class);
            GAPS = lookup.findVarHandle(ReaderCounters.class, "gaps", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused")
    private long delivered;
    @SuppressWarnings("unused")
    private long missed;
    @SuppressWarnings("unused")
    private long gaps;

    void addDelivered(final long count)
    {
        DELIVERED.setRelease(this, (long)DELIVERED.get(this) + count);
    }

    /** A lap found: {@code count} more missed, and a new gap if {@code newGap}. */
    void addMissed(final long count, final boolean newGap)
    {
        MISSED.setRelease(this, (long)MISSED.get(this) + count);
        if (newGap)
        {
            // after the missed count: a reader that reads gaps, then missed (both acquire) never sees more gaps
            // than transitions missed
            GAPS.setRelease(this, (long)GAPS.get(this) + 1);
        }
    }

    long delivered()
    {
        return (long)DELIVERED.getAcquire(this);
    }

    long missed()
    {
        return (long)MISSED.getAcquire(this);
    }

    long gaps()
    {
        return (long)GAPS.getAcquire(this);
    }
}
