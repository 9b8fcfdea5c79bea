package io.statebus.aeron.perf;

/**
 * How long the same-bytes raw peer's runs are: as many transitions per message, on average, as the bridge sent in
 * the same kind of phase. A mean of 51.2 gives runs of 51 and 52 in the proportion that keeps the peer's
 * transitions per message at 51.2 however long the phase (the remainder is carried to the next run), each at least
 * 1 and at most what one claim holds.
 */
final class RunPlan
{
    private final double mean;
    private final int max;
    private double owed; // the fraction of a transition the runs so far fell short of the mean

    /**
     * @param mean the bridge's transitions per message; below 1 reads as 1.
     * @param max  the most transitions one message may carry.
     */
    RunPlan(final double mean, final int max)
    {
        this.mean = Math.max(1, mean);
        this.max = Math.max(1, max);
    }

    /** @return the next run's length. */
    int next()
    {
        owed += mean;
        final int run = (int)Math.max(1, Math.min(max, Math.floor(owed)));
        owed -= run;
        return run;
    }

    double mean()
    {
        return mean;
    }
}
