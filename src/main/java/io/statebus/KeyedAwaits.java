package io.statebus;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Awaiting one key's state on a {@link KeyedStateBus}: blocking, or as a future. Every await is registered before
 * its call returns, so no transition of the key after that moment is missed, even one that lasted a single step.
 *
 * @param <S> the state type.
 */
public interface KeyedAwaits<S>
{
    /**
     * Waits until a key is in {@code state}: at once ({@code ALREADY}) if it is when the await registers, else at
     * the key's first transition into it after that, even one that lasted a single step.
     *
     * @param key     an open key.
     * @param state   the state to wait for.
     * @param timeout how long to wait at most.
     * @return how it ended.
     * @throws InterruptedException if interrupted.
     */
    Awaited<S> await(long key, S state, Duration timeout) throws InterruptedException;

    /**
     * Waits until a key's state matches {@code predicate} (see {@link #await(long, Object, Duration)}). An
     * {@code ALREADY} answer carries the key's latest transition as {@code state -> state}: the table keeps each
     * key's state, not where it came from.
     *
     * @param key       an open key.
     * @param predicate tested on the key's state when registering, then on each of its later states.
     * @param timeout   how long to wait at most.
     * @return how it ended: {@code MATCHED}, {@code ALREADY}, {@code TIMED_OUT}, or {@code LAPPED} (a {@code GAP}
     *     await policy, or a mirror's lost transitions).
     * @throws InterruptedException     if interrupted.
     * @throws IllegalArgumentException if the key is not open when the await registers.
     */
    Awaited<S> await(long key, Predicate<? super S> predicate, Duration timeout)
        throws InterruptedException;

    /**
     * Waits for the key's next transition after the await registers, whatever it is (one into the state it had,
     * on a bus that publishes unchanged states; one that retires it): its current state never answers.
     *
     * @param key     an open key.
     * @param timeout how long to wait at most; not negative.
     * @return {@code MATCHED} with the transition, {@code TIMED_OUT}, or {@code LAPPED} (a {@code GAP} await policy,
     *     or a mirror's lost transitions).
     * @throws InterruptedException     if interrupted.
     * @throws IllegalArgumentException if the key is not open when the await registers.
     */
    Awaited<S> awaitChange(long key, Duration timeout) throws InterruptedException;

    /**
     * As {@link #await(long, Predicate, Duration)}, without blocking: the future completes on {@code executor}
     * with the first matching transition of {@code key} after the await registered (before this method returns),
     * or at once if the key matches then; exceptionally with a {@code TimeoutException} (once every transition
     * published before the deadline was checked on {@code executor} without a match), a
     * {@link LappedException} (a {@code GAP} await policy, or a mirror's lost transitions) or a
     * {@link StateBusClosedException}.
     *
     * @param key       an open key.
     * @param predicate tested on the key's state when registering, then on each of its later states.
     * @param timeout   how long to wait at most.
     * @param executor  runs the checks and completes the future.
     * @return the future.
     * @throws IllegalArgumentException if the key is not open when the await registers.
     */
    CompletableFuture<Transition<S>> awaitAsync(
        long key, Predicate<? super S> predicate, Duration timeout, Executor executor);
}
