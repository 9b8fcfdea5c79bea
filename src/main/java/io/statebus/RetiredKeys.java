package io.statebus;

import io.statebus.keys.RetirementLog;

/**
 * A reader of the keys a {@link KeyedStateBus} retired with {@link KeyedStateBus#retire}, which publishes no
 * transition, in the order retired, each placed in the bus's sequence: {@link #nextAfter()} is the bus's latest
 * sequence when the key was retired, so the retirement came after that transition and before the next. For a
 * transport that mirrors a keyed bus: it hands over each retirement between the same two transitions, so the mirror's
 * key table is the source's at every sequence (a mirror told later would hold the retired key beside keys opened
 * after it, and could run out of {@code maxKeys}). Keys retired by reaching a final state are not here: their
 * transition shows it.
 *
 * <p>The bus keeps the latest retirements in a fixed ring ({@link #logSize()} entries: one per key up to
 * {@code maxKeys}, at least 64, at most 4096); a reader further behind than that misses the oldest and counts them
 * ({@link #missed()}). Reading is lock-free and allocates nothing; one reader is for one thread.
 * <pre>{@code
 * RetiredKeys retired = bus.retirements();   // from the next retirement on
 * // before handing over the transition at sequence s:
 * while (retired.nextAfter() < s) {
 *     forget(retired.key());
 *     retired.advance();
 * }
 * }</pre>
 */
public final class RetiredKeys
{
    /** What {@link #nextAfter()} returns when no retirement is unread. */
    public static final long NONE = Long.MAX_VALUE;

    private final RetirementLog log;
    private final long[] entry = new long[3]; // key, known-at, after of the next unread one, once loaded
    private long next;
    private boolean loaded;
    private long missed;

    RetiredKeys(final RetirementLog log)
    {
        this.log = log;
        this.next = log.written();
    }

    /**
     * @return the bus's latest sequence when the next unread key was retired (it came after that transition and
     *     before the next), or {@link #NONE} if every retirement so far was read.
     */
    public long nextAfter()
    {
        while (!loaded)
        {
            final long written = log.written();
            if (next >= written)
            {
                return NONE;
            }
            final long oldest = written - log.size() + 1; // the writer may be overwriting the one before it
            if (next < oldest)
            {
                missed += oldest - next;
                next = oldest;
            }
            loaded = log.read(next, entry); // false: overwritten while read, so lapped: look again
        }
        return entry[2];
    }

    /** @return the key of the next unread retirement ({@link #nextAfter()} found one). */
    public long key()
    {
        checkLoaded();
        return entry[0];
    }

    /** @return the sequence of that key's latest transition before it was retired. */
    public long knownAt()
    {
        checkLoaded();
        return entry[1];
    }

    /** Moves past the next unread retirement ({@link #nextAfter()} found one). */
    public void advance()
    {
        checkLoaded();
        loaded = false;
        next++;
    }

    /** @return the retirements this reader missed, being more than {@link #logSize()} behind. */
    public long missed()
    {
        return missed;
    }

    /** @return how many retirements the bus keeps for its readers. */
    public int logSize()
    {
        return log.size();
    }

    private void checkLoaded()
    {
        if (!loaded)
        {
            throw new IllegalStateException("no retirement loaded: call nextAfter() first, and only if it is not NONE");
        }
    }
}
