package io.statebus.aeron;

/**
 * The last source sessions a mirrored bus replaced (a restarted source): late messages of theirs are refused, never
 * mixed in. A fixed ring of the most recent ones; duty-cycle thread only.
 */
final class RetiredSessions
{
    private static final int CAPACITY = 16;

    private final long[] retired = new long[CAPACITY];
    private int next;
    private int count;

    boolean contains(final long session)
    {
        for (int i = 0; i < count; i++)
        {
            if (retired[i] == session)
            {
                return true;
            }
        }
        return false;
    }

    void add(final long session)
    {
        retired[next] = session;
        next = (next + 1) % CAPACITY;
        count = Math.min(count + 1, CAPACITY);
    }
}
