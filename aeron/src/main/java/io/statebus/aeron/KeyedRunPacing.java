package io.statebus.aeron;

/**
 * Keeps a keyed bridge's snapshot runs to at most a tenth of its time: once a run ends, the next periodic one waits
 * nine times as long as this one took (and the snapshot interval, whichever ends later). A bridge takes nothing from
 * its bus while a run goes, and a run carries every open key, so without this a table of a million keys (16 MB a
 * run), or a link that back-pressures a run, would leave the bridge sending runs back to back and the live stream
 * behind them. A run for a mirror that just connected and a repair are sent when due, as before; their time counts.
 * Reads the clock once when a run starts and once when it ends. Duty-cycle thread only.
 */
final class KeyedRunPacing
{
    /** A run takes at most one part in this many of the bridge's time. */
    static final int SHARE = 10;

    private boolean timing;
    private long startedAt;
    private boolean paced;
    private long notBefore;

    /** A run started at {@code at} ({@code System.nanoTime()} before it was tried); {@code running} false if it ended
     *  at once. */
    void started(final long at, final boolean running)
    {
        timing = true;
        startedAt = at;
        if (!running)
        {
            ended();
        }
    }

    /** The run may have ended: if it just did, the next periodic one waits {@code SHARE - 1} times its duration. */
    void ended()
    {
        if (timing)
        {
            timing = false;
            final long end = System.nanoTime();
            notBefore = end + (SHARE - 1) * (end - startedAt);
            paced = true;
        }
    }

    /** @return whether a periodic run may start at {@code now}. */
    boolean allows(final long now)
    {
        return !paced || now - notBefore >= 0;
    }
}
