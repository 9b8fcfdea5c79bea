package io.statebus.publish;

/**
 * What a publish returns: the published sequence (at least 1), or one of these codes for a call that published
 * nothing. Every code is negative, so {@code result > 0} means "published".
 */
public final class PublishResult
{
    /** The state already had that value (and the bus does not publish unchanged values). */
    public static final long NOT_PUBLISHED = -1;
    /** A compare-and-set found another state. */
    public static final long CAS_FAILED = -2;
    /** Back-pressure (or another producer) lasted past the deadline. */
    public static final long TIMED_OUT = -3;
    /** Interrupted while waiting with a deadline. */
    public static final long INTERRUPTED = -4;
    /** The deadline of a call that waits as long as it takes. */
    public static final long NO_DEADLINE = Long.MIN_VALUE;
    /** The deadline of a call that never waits and reads no clock: it publishes now or answers TIMED_OUT. */
    public static final long NO_WAIT = Long.MIN_VALUE + 1;

    /** Internal to the producers: the rules allow the call to publish. */
    static final long ALLOWED = -5;
    /** Internal to the single producer's fast path: not decided there, the full path decides. */
    static final long FAST_MISS = -6;

    private PublishResult()
    {
    }
}
