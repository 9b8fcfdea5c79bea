package io.statebus;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Waiting for a state without ever missing it (guarantee 7): register an await, then wait on it, blocking or as a
 * future. An await answers at once ({@link Awaited.Outcome#ALREADY}) if the state matches when it registers, else
 * with the first matching transition after that, even one that lasted a single step; it ends on a match, a
 * timeout, an interrupt, the bus closing, or, for an await that was lapped, {@link Awaited.Outcome#LAPPED}.
 *
 * <p>Every one-call form here registers, then waits; to register first and let another thread publish before
 * waiting, use {@link #prepareAwait(Object)} and wait on the {@link PendingAwait} later.
 *
 * @param <S> the state type
 */
public interface Awaits<S>
{
    /**
     * Registers an await for {@code state} now and returns it, to be waited on later: "register, then let another
     * thread publish" has no race. Its answer is {@link Awaited.Outcome#ALREADY} if the state is {@code state} now,
     * else the first transition to it after this call, even one that lasted a single step.
     *
     * @param state the state to wait for.
     * @return the registered await; wait on it once, or close it.
     * @throws StateBusClosedException if the bus is closed.
     */
    PendingAwait<S> prepareAwait(S state);

    /**
     * Registers an await for a state that satisfies {@code predicate} (tested on the state now and each later
     * {@code to}, on the thread that waits), to be waited on later.
     *
     * @param predicate what to wait for.
     * @return the registered await; wait on it once, or close it.
     * @throws StateBusClosedException if the bus is closed.
     */
    PendingAwait<S> prepareAwait(Predicate<? super S> predicate);

    /**
     * Registers an await for the next transition after now, whatever it is, to be waited on later.
     *
     * @return the registered await; wait on it once with {@link PendingAwait#await}, or close it.
     * @throws StateBusClosedException if the bus is closed.
     */
    PendingAwait<S> prepareAwaitChange();

    /**
     * Blocks until the state is {@code state}: at once if it already is, else until the first transition to it
     * ({@link #prepareAwait(Object)}, then {@link PendingAwait#await}). A state that lasted one transition is found.
     *
     * <pre>{@code
     * Awaited<Connection> r = bus.await(Connection.CLOSED, Duration.ofSeconds(1));
     * switch (r.outcome()) { case ALREADY, MATCHED -> ...; case TIMED_OUT -> ...; case LAPPED -> ...; }
     * }</pre>
     *
     * @param state   the state to wait for.
     * @param timeout how long to wait at most; not negative.
     * @return how it ended, with the matching transition on a match.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes before a match.
     */
    default Awaited<S> await(final S state, final Duration timeout) throws InterruptedException
    {
        final long deadline = Deadlines.of(timeout);
        return prepareAwait(state).await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /**
     * {@link #await(Object, Duration)} with a {@link TimeUnit}.
     *
     * @param state   the state to wait for.
     * @param timeout how long to wait at most; not negative.
     * @param unit    the unit of {@code timeout}.
     * @return how it ended, with the matching transition on a match.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes before a match.
     */
    default Awaited<S> await(final S state, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        Deadlines.of(timeout, unit);
        return prepareAwait(state).await(timeout, unit);
    }

    /**
     * Blocks until the state satisfies {@code predicate}: at once if the current state does, else until the
     * first transition whose {@code to} does.
     *
     * @param predicate tested on the awaiting thread, on the current state and each later {@code to}.
     * @param timeout   how long to wait at most; not negative.
     * @return how it ended, with the matching transition on a match.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes before a match.
     */
    default Awaited<S> await(final Predicate<? super S> predicate, final Duration timeout) throws InterruptedException
    {
        Deadlines.of(timeout);
        return prepareAwait(predicate).await(timeout);
    }

    /**
     * {@link #await(Predicate, Duration)} with a {@link TimeUnit}.
     *
     * @param predicate tested on the awaiting thread, on the current state and each later {@code to}.
     * @param timeout   how long to wait at most; not negative.
     * @param unit      the unit of {@code timeout}.
     * @return how it ended, with the matching transition on a match.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes before a match.
     */
    default Awaited<S> await(final Predicate<? super S> predicate, final long timeout, final TimeUnit unit)
        throws InterruptedException
    {
        Deadlines.of(timeout, unit);
        return prepareAwait(predicate).await(timeout, unit);
    }

    /**
     * Blocks until the next transition after now, whatever it is.
     *
     * @param timeout how long to wait at most; not negative.
     * @return {@link Awaited.Outcome#MATCHED} with the transition, or how else it ended.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes first.
     */
    default Awaited<S> awaitChange(final Duration timeout) throws InterruptedException
    {
        Deadlines.of(timeout);
        return prepareAwaitChange().await(timeout);
    }

    /**
     * {@link #awaitChange(Duration)} with a {@link TimeUnit}.
     *
     * @param timeout how long to wait at most; not negative.
     * @param unit    the unit of {@code timeout}.
     * @return {@link Awaited.Outcome#MATCHED} with the transition, or how else it ended.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes first.
     */
    default Awaited<S> awaitChange(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        Deadlines.of(timeout, unit);
        return prepareAwaitChange().await(timeout, unit);
    }

    /**
     * Like {@link #await(Predicate, Duration)}, without blocking: the await joins before this returns, the
     * predicate runs on {@code executor}, and the future completes with the matching transition (for a current
     * state that already matches, the transition that led to it). It completes exceptionally with
     * {@link java.util.concurrent.TimeoutException} after the timeout, once every transition published before it
     * was checked without a match (the checks run on {@code executor}: one that runs late delays the timeout with
     * them, so a match published in time is never answered as a timeout), {@link StateBusClosedException} if the bus
     * closes first, or {@link LappedException} (a {@link Policy#GAP} await lapped, or a mirror's lost transitions).
     * Cancelling it, or any completion, closes its subscription at once. If the predicate throws on the current
     * state, that exception is thrown here and nothing is left subscribed.
     *
     * @param predicate tested on the current state and each later {@code to}.
     * @param timeout   how long to wait at most; not negative.
     * @param executor  runs the checks and completes the future.
     * @return a future of the first matching transition.
     * @throws StateBusClosedException if the bus is already closed.
     */
    default CompletableFuture<Transition<S>> awaitAsync(
        final Predicate<? super S> predicate, final Duration timeout, final Executor executor)
    {
        Objects.requireNonNull(executor, "executor must not be null");
        Deadlines.of(timeout);
        return prepareAwait(predicate).future(timeout, executor);
    }

    /**
     * {@link #awaitAsync(Predicate, Duration, Executor)} for a state, on {@link ForkJoinPool#commonPool()}.
     *
     * @param state   the state to wait for.
     * @param timeout how long to wait at most; not negative.
     * @return a future of the first transition to {@code state} (or of the one that led to it, if current).
     * @throws StateBusClosedException if the bus is already closed.
     */
    default CompletableFuture<Transition<S>> awaitAsync(final S state, final Duration timeout)
    {
        Deadlines.of(timeout);
        return prepareAwait(state).future(timeout, ForkJoinPool.commonPool());
    }

    /**
     * {@link #awaitAsync(Predicate, Duration, Executor)} with a {@link TimeUnit}.
     *
     * @param predicate tested on the current state and each later {@code to}.
     * @param timeout   how long to wait at most; not negative.
     * @param unit      the unit of {@code timeout}.
     * @param executor  runs the checks and completes the future.
     * @return a future of the first matching transition.
     * @throws StateBusClosedException if the bus is already closed.
     */
    default CompletableFuture<Transition<S>> awaitAsync(
        final Predicate<? super S> predicate, final long timeout, final TimeUnit unit, final Executor executor)
    {
        Objects.requireNonNull(predicate, "predicate must not be null");
        Objects.requireNonNull(executor, "executor must not be null");
        Deadlines.of(timeout, unit);
        return prepareAwait(predicate).future(Duration.ofNanos(unit.toNanos(timeout)), executor);
    }
}
