package io.statebus;

import java.time.Duration;
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
        return after(unit.toNanos(timeout));
    }

    static long of(final Duration timeout)
    {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (timeout.isNegative())
        {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
        }
        return after(timeout.compareTo(LONGEST) >= 0 ? Long.MAX_VALUE : timeout.toNanos());
    }

    /** The nanoseconds of a timeout, as {@code TimeUnit.NANOSECONDS} takes them. */
    static long nanos(final Duration timeout)
    {
        of(timeout);
        return timeout.compareTo(LONGEST) >= 0 ? Long.MAX_VALUE / 4 : timeout.toNanos();
    }

    private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE / 4);

    private static long after(final long nanos)
    {
        // saturate: a huge timeout means "no deadline in practice", never a deadline in the past
        final long now = System.nanoTime();
        return nanos > Long.MAX_VALUE / 4 ? now + Long.MAX_VALUE / 4 : now + nanos;
    }
}
