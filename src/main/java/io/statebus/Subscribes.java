package io.statebus;

import java.util.concurrent.Executor;

/**
 * The ways to join a bus whose subscriptions are {@link Subscription}s ({@link StateBus}, {@link ValueStateBus}): to
 * poll, from a replay, on a handler thread, on an executor.
 *
 * @param <S> the state type.
 */
public interface Subscribes<S>
{
    /**
     * Joins the bus at a snapshot {@code (state, sequence)} taken atomically: the first transition received has
     * {@code from() == }{@link Subscription#joinState()}. Consume it with {@link Subscription#poll}.
     *
     * @param policy what happens when this subscription is a whole ring behind.
     * @return a new open subscription.
     * @throws StateBusClosedException if the bus is closed.
     */
    Subscription<S> subscribe(Policy policy);

    /**
     * Joins the bus with a replay: the first transition received is {@code fromSequence}, which must still be in
     * the ring; the subscription joins at {@code fromSequence - 1} and its state. A {@link Policy#BLOCK}
     * subscription holds the producer back from the replayed slots too, so it never misses one, also while a
     * producer races the join; replayed slots are read validated, so a transition a racing producer overwrote
     * while a {@link Policy#GAP} subscription joined shows as a gap notice, never as a wrong transition.
     *
     * @param policy       what happens when this subscription is a whole ring behind.
     * @param fromSequence the first sequence to receive, at least 1.
     * @return a new open subscription.
     * @throws ReplayUnavailableException if {@code fromSequence} is no longer, or not yet, in the ring.
     * @throws StateBusClosedException    if the bus is closed.
     */
    Subscription<S> subscribe(Policy policy, long fromSequence);

    /**
     * Joins the bus and starts a dedicated thread (from the builder's thread factory) that waits with the bus's
     * wait strategy and delivers every transition to {@code handler}, telling it where each batch ends. The
     * thread ends when the bus is closed (after delivering what was published before), when the subscription is
     * closed (after the callback in progress, delivering nothing more: its slots are no longer held), or when the
     * handler throws, which fails the subscription and goes to the builder's error handler. The handler's
     * {@link TransitionHandler#onStart} runs on the thread first, its {@link TransitionHandler#onStop} last.
     *
     * @param policy  what happens when this subscription is a whole ring behind.
     * @param handler receives the transitions on the handler thread.
     * @return the running subscription; {@link Subscription#poll} is not available on it.
     * @throws StateBusClosedException if the bus is closed.
     * @throws IllegalStateException   if the thread factory returned no thread; whatever it threw, or starting
     *                                 the thread threw, passes through. Either way nothing stays subscribed.
     */
    Subscription<S> subscribe(Policy policy, TransitionHandler<S> handler);

    /**
     * Joins the bus and delivers every transition to {@code handler} on {@code executor} (an event loop, a pool,
     * a virtual thread per task): in order, never two callbacks at once, with no queue but the ring. A task
     * delivers at most a few hundred transitions, then re-submits itself. A rejected task or a throwing handler
     * fails the subscription and goes to the builder's error handler; neither reaches the producer. The handler's
     * {@link TransitionHandler#onStart} runs in the first task, its {@link TransitionHandler#onStop} in the last.
     * A same-thread executor ({@code Runnable::run}) works too: the handler then runs inside the producer's
     * {@code set} after any lock is released (so it may publish, see {@link TransitionHandler}, or close), and
     * inside this call for what was published before it. Shortly after this call the JDK's shared delay thread may
     * check once for a publish that raced the subscription.
     *
     * @param policy   what happens when this subscription is a whole ring behind.
     * @param handler  receives the transitions on the executor's threads, one call at a time.
     * @param executor runs the delivery tasks.
     * @return the subscription; {@link Subscription#poll} is not available on it.
     * @throws StateBusClosedException if the bus is closed.
     */
    Subscription<S> subscribe(Policy policy, TransitionHandler<S> handler, Executor executor);
}
