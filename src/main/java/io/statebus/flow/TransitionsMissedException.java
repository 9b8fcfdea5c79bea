package io.statebus.flow;

/**
 * What a subscriber of a {@link TransitionPublisher} receives in {@code onError} when transitions are missing from
 * its stream: a {@link io.statebus.Policy#GAP} subscriber that the producer lapped, or any subscriber ({@code BLOCK}
 * too) of a {@link io.statebus.Mirror}'s bus that never received them. It names exactly which transitions were
 * missed and ends the stream; the subscriber received every transition before {@link #firstMissed()}, in order, and
 * none after. To go on, subscribe again (a new join snapshot).
 */
public final class TransitionsMissedException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /** The sequence of the first transition missed. */
    private final long firstMissed;
    /** The sequence of the last transition missed, as far as the gap was seen when it was found. */
    private final long lastMissed;

    /**
     * @param firstMissed the sequence of the first transition missed.
     * @param lastMissed  the sequence of the last transition missed.
     */
    public TransitionsMissedException(final long firstMissed, final long lastMissed)
    {
        // neutral: the same notice reports a lap and a mirror's loss, which the subscriber cannot tell apart here
        super("subscriber missed transitions #" + firstMissed + "..#" + lastMissed + " (" +
            (lastMissed - firstMissed + 1) + "): overwritten before it read them (GAP), or never received by a " +
            "mirror's bus; the stream ends here");
        this.firstMissed = firstMissed;
        this.lastMissed = lastMissed;
    }

    /**
     * @return the sequence of the first transition missed: the subscriber received every one before it.
     */
    public long firstMissed()
    {
        return firstMissed;
    }

    /**
     * @return the sequence of the last transition missed: the ring still held the one after it.
     */
    public long lastMissed()
    {
        return lastMissed;
    }

    /**
     * @return how many transitions were missed: {@code lastMissed() - firstMissed() + 1}.
     */
    public long missed()
    {
        return lastMissed - firstMissed + 1;
    }
}
