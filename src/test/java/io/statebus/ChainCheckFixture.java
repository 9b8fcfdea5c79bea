package io.statebus;

import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * A handler that checks guarantees 1, 2 and 5 as transitions arrive, on whichever thread consumes it: consecutive
 * sequences from the join point, {@code next.from == prev.to} (the first from the join state), exact gap notices,
 * and optionally the {@code to} each sequence must carry. It allocates only to describe the first violation.
 *
 * <p>Single consumer. Read its fields after a happens-before edge with that consumer: {@link #awaitReached},
 * a thread join, or an acquire read of the subscription's counters.
 */
final class ChainCheckFixture<S> implements TransitionHandler<S>
{
    private final LongFunction<S> expectedTo;
    private final long target;
    private final CountDownLatch reached = new CountDownLatch(1);

    long expectedSequence;
    S previousTo;
    long delivered;
    long gapNotices;
    long missedInNotices;
    long violations;
    String firstViolation;
    boolean lastEndOfBatch;

    /**
     * @param subscription where it joined.
     * @param target       the sequence after which {@link #awaitReached} returns (delivered or reported missed).
     * @param expectedTo   the {@code to} each sequence must carry, or null if unknown.
     */
    ChainCheckFixture(final Subscription<S> subscription, final long target, final LongFunction<S> expectedTo)
    {
        this(subscription.joinSequence(), subscription.joinState(), target, expectedTo);
    }

    ChainCheckFixture(final long joinSequence, final S joinState, final long target, final LongFunction<S> expectedTo)
    {
        this.expectedSequence = joinSequence + 1;
        this.previousTo = joinState;
        this.target = target;
        this.expectedTo = expectedTo;
        if (expectedSequence > target)
        {
            reached.countDown();
        }
    }

    @Override
    public void onTransition(final Transition<S> t, final boolean endOfBatch)
    {
        final long sequence = t.sequence();
        if (sequence != expectedSequence)
        {
            violation("expected #" + expectedSequence + ", got " + t);
        }
        if (!Objects.equals(t.from(), previousTo))
        {
            violation("chain broken: previous to " + previousTo + ", got " + t);
        }
        if (expectedTo != null && !Objects.equals(t.to(), expectedTo.apply(sequence)))
        {
            violation("#" + sequence + " should move to " + expectedTo.apply(sequence) + ", got " + t);
        }
        expectedSequence = sequence + 1;
        previousTo = t.to();
        delivered++;
        lastEndOfBatch = endOfBatch;
        if (sequence >= target)
        {
            reached.countDown();
        }
    }

    @Override
    public void onGap(final Gap<S> gap)
    {
        if (gap.firstMissed() != expectedSequence)
        {
            violation("gap should start at #" + expectedSequence + ", got " + gap);
        }
        if (gap.missed() < 1 || gap.missed() != gap.lastMissed() - gap.firstMissed() + 1)
        {
            violation("gap count does not match its range: " + gap);
        }
        if (expectedTo != null && !Objects.equals(gap.resumeState(), expectedTo.apply(gap.lastMissed())))
        {
            violation("gap should resume from " + expectedTo.apply(gap.lastMissed()) + ", got " + gap);
        }
        expectedSequence = gap.lastMissed() + 1;
        previousTo = gap.resumeState();
        gapNotices++;
        missedInNotices += gap.missed();
        if (gap.lastMissed() >= target)
        {
            reached.countDown();
        }
    }

    private void violation(final String what)
    {
        if (violations++ == 0)
        {
            firstViolation = what + " on thread " + Thread.currentThread().getName();
        }
    }

    /** Waits until the target sequence was delivered or reported missed; false on timeout. */
    boolean awaitReached(final long seconds) throws InterruptedException
    {
        return reached.await(seconds, TimeUnit.SECONDS);
    }

    /** "clean" or the first violation and how many there were, for an assertion message. */
    String verdict()
    {
        return violations == 0 ? "clean" : violations + " violations, first: " + firstViolation;
    }
}
