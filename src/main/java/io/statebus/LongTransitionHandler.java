package io.statebus;

/**
 * Receives the transitions of one {@link LongStateBus} subscription, on its consuming thread, with no boxing.
 *
 * <pre>{@code
 * prices.poll((t, endOfBatch) -> book.reprice(t.from(), t.to()), 256);
 * }</pre>
 *
 * <p>An exception thrown by a handler never reaches the producer or another subscription: it fails this
 * subscription only. The same caution as {@link TransitionHandler}'s applies to publishing from a handler.
 */
@FunctionalInterface
public interface LongTransitionHandler
{
    /**
     * Called once per transition, in sequence order.
     *
     * @param transition a view valid during this call only; {@link LongTransition#copy()} to keep it.
     * @param endOfBatch true for the last transition of this batch: the last one available now, or the poll's
     *                   {@code limit}-th; a good moment to flush (a lapped {@code GAP} subscription may end a batch
     *                   without it, as {@link TransitionHandler} says).
     */
    void onTransition(LongTransition transition, boolean endOfBatch);

    /**
     * Called when transitions were missed ({@link LongGap}: a {@link Policy#GAP} subscription lapped, or a
     * mirror's loss), before the first transition after the gap. The
     * subscription's counters record every gap whether or not this is overridden; the default does nothing.
     *
     * @param gap a view valid during this call only.
     */
    default void onGap(final LongGap gap)
    {
    }

    /**
     * Called once on the consuming thread before the first transition, by a handler thread and an executor
     * subscription: the value and sequence this subscription joined at, which the first transition's
     * {@code from} equals. An exception thrown here fails the subscription.
     *
     * @param joinValue    the value at the join snapshot.
     * @param joinSequence the sequence of the join snapshot.
     */
    default void onStart(final long joinValue, final long joinSequence)
    {
    }

    /**
     * Called once on the consuming thread after the last callback, when the handler thread or executor
     * subscription ends (closed, failed, or drained after the bus closed).
     */
    default void onStop()
    {
    }

    /**
     * This handler as the engine's {@link TransitionHandler}, for what consumes a {@link Subscription}: an Agrona
     * {@code SubscriptionAgent} over {@link LongSubscription#subscription()}. Allocates once; delivers without boxing.
     * Only a {@link LongStateBus}'s subscription carries longs: on another {@code Subscription<Long>} (a
     * {@link StateBus} or {@link ValueStateBus} of {@code Long}s) its first callback throws
     * {@link IllegalArgumentException}, failing that subscription, rather than deliver made-up longs.
     *
     * <pre>{@code
     * new SubscriptionAgent<>("quotes", bid.subscribe(Policy.GAP).subscription(), LongTransitionHandler.adapt(h), 256)
     * }</pre>
     *
     * @param handler a long-valued handler.
     * @return a handler that passes each transition on to it.
     */
    static TransitionHandler<Long> adapt(final LongTransitionHandler handler)
    {
        return new LongDelivery(java.util.Objects.requireNonNull(handler, "handler must not be null"));
    }
}
