package io.statebus;

/**
 * Checks a {@link ValueStateBus} subscription's stream: consecutive sequences (or an exact gap notice between
 * them), and the chain by identity, {@code next.from() == prev.to()} (the bus hands on the very object it was
 * given). With {@code derivable}, each transition's values also name its sequence ({@code from = Tick(s - 1)},
 * {@code to = Tick(s)}), as a single producer of {@link Tick}s publishes them. Allocates only on the first
 * violation.
 */
final class ValueChainCheck implements TransitionHandler<Tick>
{
    private final boolean derivable;
    long expected;
    Tick previousTo;
    long delivered;
    long notices;
    long missedInNotices;
    volatile long position;
    volatile String first;

    ValueChainCheck(final Subscription<Tick> sub, final boolean derivable)
    {
        this.derivable = derivable;
        this.expected = sub.joinSequence() + 1;
        this.previousTo = sub.joinState();
        this.position = sub.joinSequence();
    }

    @Override
    public void onTransition(final Transition<Tick> t, final boolean endOfBatch)
    {
        final long s = t.sequence();
        if (s != expected || t.from() != previousTo ||
            (derivable && (t.from().n != s - 1 || t.to().n != s)))
        {
            violation("expected #" + expected + " from " + previousTo + ", got " + t);
        }
        expected = s + 1;
        previousTo = t.to();
        delivered++;
        position = s;
    }

    @Override
    public void onGap(final Gap<Tick> gap)
    {
        if (gap.firstMissed() != expected || gap.missed() != gap.lastMissed() - gap.firstMissed() + 1 ||
            (derivable && gap.resumeState().n != gap.lastMissed()))
        {
            violation("bad notice: " + gap + ", expected it to start at " + expected);
        }
        expected = gap.lastMissed() + 1;
        previousTo = gap.resumeState();
        notices++;
        missedInNotices += gap.missed();
    }

    private void violation(final String what)
    {
        if (first == null)
        {
            first = what;
        }
    }

    /** @return "clean", or the first violation. */
    String verdict()
    {
        return first == null ? "clean" : first;
    }
}
