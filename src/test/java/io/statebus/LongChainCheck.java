package io.statebus;

import java.util.concurrent.CountDownLatch;

/**
 * Checks a {@link LongStateBus} subscription's stream against values derivable from the sequence: every test
 * publishes {@code valueAt(s)} as the transition at {@code s}, so {@code from == valueAt(s - 1)} and
 * {@code to == valueAt(s)} for every transition, consecutive sequences (or an exact gap notice between them), and
 * {@code next.from == prev.to}. Allocates only on the first violation.
 */
final class LongChainCheck implements LongTransitionHandler
{
    private final long last;
    long expected;
    long previousTo;
    long delivered;
    long notices;
    long missedInNotices;
    boolean lastEndOfBatch;
    volatile long position;
    volatile String first;
    /** Counted down by {@link #onStop()}. */
    final CountDownLatch stopped = new CountDownLatch(1);

    /**
     * @param joinSequence the subscription's join sequence.
     * @param joinValue    its join value.
     * @param last         the last sequence expected.
     */
    LongChainCheck(final long joinSequence, final long joinValue, final long last)
    {
        this.expected = joinSequence + 1;
        this.previousTo = joinValue;
        this.last = last;
        this.position = joinSequence;
    }

    LongChainCheck(final LongSubscription sub, final long last)
    {
        this(sub.joinSequence(), sub.joinValue(), last);
    }

    /**
     * A value that changes every sequence and mixes high and low bits, so two publications of one slot never share
     * a long: {@code from} and {@code to} of different sequences cannot pass for each other.
     */
    static long valueAt(final long sequence)
    {
        return sequence == 0 ? 0 : sequence * 0x9E3779B97F4A7C15L ^ (sequence << 40);
    }

    @Override
    public void onTransition(final LongTransition t, final boolean endOfBatch)
    {
        final long s = t.sequence();
        if (s != expected || t.from() != previousTo || t.from() != valueAt(s - 1) || t.to() != valueAt(s))
        {
            violation("expected #" + expected + " from " + previousTo + ", got " + t);
        }
        expected = s + 1;
        previousTo = t.to();
        delivered++;
        lastEndOfBatch = endOfBatch;
        position = s;
    }

    @Override
    public void onGap(final LongGap gap)
    {
        if (gap.firstMissed() != expected || gap.resumeValue() != valueAt(gap.lastMissed()) ||
            gap.missed() != gap.lastMissed() - gap.firstMissed() + 1)
        {
            violation("bad notice: [" + gap.firstMissed() + ".." + gap.lastMissed() + "] resuming from " +
                gap.resumeValue() + ", expected to start at " + expected);
        }
        expected = gap.lastMissed() + 1;
        previousTo = gap.resumeValue();
        notices++;
        missedInNotices += gap.missed();
    }

    @Override
    public void onStop()
    {
        stopped.countDown();
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

    boolean reachedLast()
    {
        return position >= last;
    }

    /** Publishes the transitions {@code latest + 1 .. latest + count} with their derivable values. */
    static void publish(final LongStateBus bus, final long count)
    {
        final long start = bus.latestSequence();
        for (long s = start + 1; s <= start + count; s++)
        {
            bus.set(valueAt(s));
        }
    }
}
