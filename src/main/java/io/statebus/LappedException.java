package io.statebus;

/**
 * An asynchronous await was lapped (a {@link Policy#GAP} await), or transitions it would have seen were lost before
 * they reached its bus (a mirror's, whatever the policy): they went by unseen, so it cannot tell whether one of them
 * matched.
 */
public final class LappedException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /** How many transitions went by unseen. */
    private final long missed;

    /**
     * @param missed how many transitions went by unseen.
     */
    public LappedException(final long missed)
    {
        super("await was lapped: " + missed + " transitions went by unseen, so a match among them cannot be ruled out");
        this.missed = missed;
    }

    /**
     * @return how many transitions went by unseen.
     */
    public long missed()
    {
        return missed;
    }
}
