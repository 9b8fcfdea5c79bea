package io.statebus;

/**
 * A replay was asked to start at a sequence that is no longer (or not yet) in the ring, or, on a mirror's bus, one
 * the mirror never received (lost upstream). Nothing was subscribed.
 */
public final class ReplayUnavailableException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    /** The sequence that was asked for. */
    private final long requested;
    /** The oldest sequence that could be replayed at the time. */
    private final long oldestAvailable;
    /** The latest published sequence at the time. */
    private final long latest;

    /**
     * @param requested       the sequence asked for.
     * @param oldestAvailable the oldest sequence a replay was offered from.
     * @param latest          the latest published sequence.
     */
    public ReplayUnavailableException(final long requested, final long oldestAvailable, final long latest)
    {
        this(requested, oldestAvailable, latest, false);
    }

    /**
     * @param requested       the sequence asked for.
     * @param oldestAvailable the oldest sequence a replay was offered from.
     * @param latest          the latest published sequence.
     * @param lostUpstream    whether {@code requested} is in the ring but a mirror's bus never received it.
     */
    public ReplayUnavailableException(
        final long requested, final long oldestAvailable, final long latest, final boolean lostUpstream)
    {
        super(requested > latest + 1 ?
            "cannot replay from sequence " + requested + ": it is not published yet (the latest is " + latest +
                "; " + (latest + 1) + " is the next transition)" :
            "cannot replay from sequence " + requested + ": " + (lostUpstream ? "this mirror never received it " +
                "(lost upstream: a replay from before the loss reports it as a gap); " : "") +
                "the oldest sequence still available is " + oldestAvailable + " and the latest is " + latest);
        this.requested = requested;
        this.oldestAvailable = oldestAvailable;
        this.latest = latest;
    }

    /**
     * @return the sequence that was asked for.
     */
    public long requested()
    {
        return requested;
    }

    /**
     * @return the oldest sequence that could be replayed when the request was refused.
     */
    public long oldestAvailable()
    {
        return oldestAvailable;
    }

    /**
     * @return the latest published sequence when the request was refused.
     */
    public long latest()
    {
        return latest;
    }
}
