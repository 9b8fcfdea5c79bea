package io.statebus;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.function.LongPredicate;

/**
 * Waiting for a {@code long} value without ever missing it: the {@link LongStateBus} counterpart of
 * {@link Awaits}, on a {@link LongPredicate}. An await answers at once ({@link Awaited.Outcome#ALREADY}) if the
 * value matches when it registers, else with the first matching transition after that, even one that lasted a
 * single step; it ends on a match, a timeout, an interrupt, the bus closing, or, lapped, with
 * {@link Awaited.Outcome#LAPPED}. Answers carry the matching transition boxed ({@code Transition<Long>}): an
 * await allocates, a poll does not.
 */
public interface LongAwaits
{
    /**
     * Registers an await for a value satisfying {@code predicate} now (tested on the value now and each later
     * {@code to}, on the waiting thread), to be waited on later: "register, then let another thread publish" has
     * no race.
     *
     * @param predicate what to wait for.
     * @return the registered await; wait on it once, or close it.
     * @throws StateBusClosedException if the bus is closed.
     */
    PendingAwait<Long> prepareAwait(LongPredicate predicate);

    /**
     * Registers an await for the next transition after now, whatever it is, to be waited on later.
     *
     * @return the registered await; wait on it once with {@link PendingAwait#await}, or close it.
     * @throws StateBusClosedException if the bus is closed.
     */
    PendingAwait<Long> prepareAwaitChange();

    /**
     * Blocks until the value satisfies {@code predicate}: at once if it already does.
     *
     * <pre>{@code
     * Awaited<Long> above = prices.await(p -> p >= 10_050, Duration.ofSeconds(1));
     * }</pre>
     *
     * @param predicate what to wait for.
     * @param timeout   how long to wait at most; not negative.
     * @return how it ended, with the matching transition on a match.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes before a match.
     */
    default Awaited<Long> await(final LongPredicate predicate, final Duration timeout) throws InterruptedException
    {
        Deadlines.of(timeout);
        return prepareAwait(predicate).await(timeout);
    }

    /**
     * Blocks until the value is {@code value}: at once if it already is.
     *
     * @param value   the value to wait for.
     * @param timeout how long to wait at most; not negative.
     * @return how it ended, with the matching transition on a match.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes before a match.
     */
    default Awaited<Long> awaitValue(final long value, final Duration timeout) throws InterruptedException
    {
        return await(v -> v == value, timeout);
    }

    /**
     * Blocks until the next transition after now.
     *
     * @param timeout how long to wait at most; not negative.
     * @return how it ended, with the transition on a match.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes first.
     */
    default Awaited<Long> awaitChange(final Duration timeout) throws InterruptedException
    {
        Deadlines.of(timeout);
        return prepareAwaitChange().await(timeout);
    }

    /**
     * The first value satisfying {@code predicate} as a future, completed on {@link ForkJoinPool#commonPool()}
     * (see {@link PendingAwait#future}).
     *
     * @param predicate what to wait for.
     * @param timeout   how long at most; not negative.
     * @return the future of the first match.
     * @throws StateBusClosedException if the bus is closed.
     */
    default CompletableFuture<Transition<Long>> awaitAsync(final LongPredicate predicate, final Duration timeout)
    {
        Objects.requireNonNull(predicate, "predicate must not be null");
        Deadlines.of(timeout);
        return prepareAwait(predicate).future(timeout, ForkJoinPool.commonPool());
    }
}
