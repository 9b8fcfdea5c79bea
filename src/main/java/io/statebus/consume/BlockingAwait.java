package io.statebus.consume;

import io.statebus.Awaited;
import io.statebus.StateBusClosedException;
import io.statebus.Transition;
import io.statebus.read.ConsumedBy;

import java.util.function.Predicate;

/**
 * Blocks the calling thread on an await's private reader until the first match, the deadline, an interrupt, the
 * bus closing, or a lap. Parks between polls; the producer wakes it only while it is parked.
 */
public final class BlockingAwait
{
    private BlockingAwait()
    {
    }

    /**
     * Waits, then closes the await's reader (which stops it gating the producer at once), whatever ended it.
     *
     * @param joined     the joined await.
     * @param predicate  tested on the join state (unless {@code changeOnly}) and each later {@code to}.
     * @param changeOnly whether only a transition after the join counts.
     * @param deadline   a {@code System.nanoTime()} deadline.
     * @param <S>        the state type.
     * @return how it ended.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes before a match.
     */
    public static <S> Awaited<S> await(
        final AwaitJoin<S> joined, final Predicate<? super S> predicate, final boolean changeOnly, final long deadline)
        throws InterruptedException
    {
        try
        {
            if (!changeOnly && predicate.test(joined.registeredState()))
            {
                return new Awaited<>(Awaited.Outcome.ALREADY, joined.joinTransition, 0);
            }
            return waitForMatch(joined, new AwaitMatcher<>(predicate), deadline);
        }
        finally
        {
            joined.reader.close();
        }
    }

    /**
     * A keyed bus's await: waits, then closes the await's reader, whatever ended it.
     *
     * @param joined     the joined await, at a sequence where {@code key} was in {@code registered}.
     * @param registered the key's state at the join, tested first (unless {@code changeOnly}).
     * @param latest     the key's latest transition at the join, the answer if {@code registered} matches.
     * @param predicate  tested on {@code registered} and on each later {@code to} of {@code key}.
     * @param changeOnly whether only a transition of {@code key} after the join counts.
     * @param key        the entity's key.
     * @param deadline   a {@code System.nanoTime()} deadline.
     * @param <S>        the state type.
     * @return how it ended.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes before a match.
     */
    public static <S> Awaited<S> awaitKey(
        final AwaitJoin<S> joined,
        final S registered,
        final Transition<S> latest,
        final Predicate<? super S> predicate,
        final boolean changeOnly,
        final long key,
        final long deadline)
        throws InterruptedException
    {
        try
        {
            if (!changeOnly && predicate.test(registered))
            {
                return new Awaited<>(Awaited.Outcome.ALREADY, latest, 0);
            }
            return waitForMatch(joined, new AwaitMatcher<>(predicate, key), deadline);
        }
        finally
        {
            joined.reader.close();
        }
    }

    private static <S> Awaited<S> waitForMatch(
        final AwaitJoin<S> joined, final AwaitMatcher<S> matcher, final long deadline)
        throws InterruptedException
    {
        final ParkedWaiter waiter = new ParkedWaiter(Thread.currentThread());
        joined.reader.consumedBy(ConsumedBy.AWAIT, waiter, null);
        waiter.registered();
        while (true)
        {
            joined.reader.pollAvailable(matcher, 1024);
            if (matcher.match != null)
            {
                return new Awaited<>(Awaited.Outcome.MATCHED, matcher.match, 0);
            }
            // not only the notices delivered: a poll lapped many times returns with its notice still pending, and
            // what it missed may have matched
            final long missed = joined.reader.missed();
            if (missed > 0)
            {
                return new Awaited<>(Awaited.Outcome.LAPPED, null, missed);
            }
            if (System.nanoTime() - deadline >= 0)
            {
                return new Awaited<>(Awaited.Outcome.TIMED_OUT, null, 0);
            }
            if (Thread.interrupted())
            {
                throw new InterruptedException(); // also when transitions keep coming and it never parks
            }
            waiter.prepare();
            if (joined.reader.hasWorkOrClosed())
            {
                waiter.cancel();
                continue;
            }
            waiter.park(deadline);
            if (Thread.interrupted())
            {
                throw new InterruptedException();
            }
        }
    }
}
