package io.statebus;

import java.util.ArrayList;
import java.util.List;

/** States for the tests: computed from a sequence, or the small alphabet of the {@code proof} tests. */
public final class TestStates
{
    /**
     * The first three connection states: the smallest alphabet in which a chain ({@code next.from == prev.to}) can
     * break, so random programs over it hit repeated and unchanged states often. A copy for each user.
     */
    public static final Connection[] THREE = {Connection.DISCONNECTED, Connection.CONNECTING, Connection.CONNECTED};

    /** The connection lifecycle as a cycle: consecutive entries differ, so every set publishes. */
    static final Connection[] CYCLE = {
        Connection.CONNECTING, Connection.CONNECTED, Connection.CLOSING, Connection.CLOSED, Connection.DISCONNECTED};

    private TestStates()
    {
    }

    /** 0, 1, ..., n - 1; keep n at most 128 so the values come from the Integer cache and boxing never allocates. */
    static List<Integer> integers(final int n)
    {
        final List<Integer> states = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            states.add(i);
        }
        return states;
    }

    /** The state a bus built on {@code DISCONNECTED} is in after publishing {@code CYCLE} in order up to {@code sequence}. */
    static Connection cycleAt(final long sequence)
    {
        return sequence == 0 ? Connection.DISCONNECTED : CYCLE[(int)((sequence - 1) % CYCLE.length)];
    }
}
