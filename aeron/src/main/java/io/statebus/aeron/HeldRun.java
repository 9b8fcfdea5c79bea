package io.statebus.aeron;

/**
 * Where a run of transitions stopped when a {@code BLOCK} subscription of the local bus held it back: Aeron offers the
 * message again whole (the mirror answered ABORT), and the mirror goes on from there, so that no transition of it is
 * refused, counted or appended twice. A run is known by its session and its first sequence. Duty-cycle thread only.
 */
final class HeldRun
{
    private long run = -1;
    private long session;
    private int at;

    /**
     * @param run     the run's first sequence (the fixed part's).
     * @param session its source session.
     * @param from    where to start if this run was not held back.
     * @return the index of the run's transition to go on from; the hold, if any, is forgotten.
     */
    int resume(final long run, final long session, final int from)
    {
        final int i = this.run == run && this.session == session ? at : from;
        this.run = -1;
        return i;
    }

    /** The run was held back at its transition {@code at}: it goes on there when offered again. */
    void hold(final long run, final long session, final int at)
    {
        this.run = run;
        this.session = session;
        this.at = at;
    }
}
