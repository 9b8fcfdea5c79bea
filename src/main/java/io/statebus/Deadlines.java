package io.statebus;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** Timeouts to {@code System.nanoTime()} deadlines, with the bad-input checks every timed call shares. */
final class Deadlines
{
    private Deadlines()
    {
    }

    static long of(final long timeout, final TimeUnit unit)
    {
        Objects.requireNonNull(unit, "unit must not be null");
        if (timeout < 0)
        {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout + " " + unit);
        }
        final long now = System.nanoTime();
        final long nanos = unit.toNanos(timeout);
        // saturate: a huge timeout means "no deadline in practice", never a deadline in the past
        return nanos > Long.MAX_VALUE / 4 ? now + Long.MAX_VALUE / 4 : now + nanos;
    }
}
