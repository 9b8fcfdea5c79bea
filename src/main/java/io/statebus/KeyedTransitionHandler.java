package io.statebus;

import java.util.function.LongPredicate;

/**
 * Receives a {@link KeyedStateBus}'s transitions, in the bus's one global order.
 *
 * @param <S> the state type.
 */
@FunctionalInterface
public interface KeyedTransitionHandler<S>
{
    /**
     * @param transition the transition, valid during this call only ({@link KeyedTransition#copy()} to keep it).
     * @param endOfBatch whether it is the last of the batch (the last available now, or the poll's {@code limit}-th);
     *                   with a key filter, the last of the batch that the filter admits (the batch may end on a
     *                   transition it skips); a lapped {@code GAP} subscription may end a batch without it, as
     *                   {@link TransitionHandler} says.
     */
    void onTransition(KeyedTransition<S> transition, boolean endOfBatch);

    /**
     * The subscription was lapped (or its mirror lost sequences): {@code gap.firstMissed() .. gap.lastMissed()}
     * never reach it, whatever their keys (a key filter's subscription too: its counts and notices cover every
     * key). Called once per incident, before the next transition read, which a key filter may skip. On a keyed bus
     * {@code gap.resumeState()} is that transition's {@code from}, the state of its key, whatever key that is: not
     * of the last missed transition's key, nor of the next transition this handler receives, if another key's; a
     * key's first transition after a gap starts where that key was, not necessarily where its last one delivered
     * ended.
     *
     * @param gap the missed range.
     */
    default void onGap(final Gap<S> gap)
    {
    }

    /** Called on the consuming thread before its first transition (handler thread and executor). */
    default void onStart()
    {
    }

    /** Called on the consuming thread after its last transition (handler thread and executor). */
    default void onStop()
    {
    }

    /**
     * This handler as a plain {@link TransitionHandler}, for what consumes a {@link Subscription}: an Agrona
     * {@code SubscriptionAgent} over {@link KeyedSubscription#subscription()}, for example. Allocates once. Only a
     * {@link KeyedStateBus}'s subscription carries keys: on another bus's its first transition throws
     * {@link IllegalArgumentException}, failing that subscription.
     *
     * <pre>{@code
     * new SubscriptionAgent<>("risk", orders.subscribe(Policy.BLOCK).subscription(),
     *     KeyedTransitionHandler.adapt(risk), 256)
     * }</pre>
     *
     * @param handler a keyed handler.
     * @param <S>     the state type.
     * @return a handler that passes each (keyed) transition on to it.
     */
    static <S> TransitionHandler<S> adapt(final KeyedTransitionHandler<S> handler)
    {
        return KeyedDelivery.to(handler, null);
    }

    /**
     * {@link #adapt(KeyedTransitionHandler)} with a key filter: only the transitions of the keys it admits reach
     * {@code handler}; the others are consumed at the cost of the test, as a filtered subscription's are. Another
     * bus's subscription is refused as there.
     *
     * <pre>{@code
     * new SubscriptionAgent<>("risk-desk-7", orders.subscribe(Policy.BLOCK).subscription(),
     *     KeyedTransitionHandler.adapt(risk, desk7::owns), 256)
     * }</pre>
     *
     * @param handler a keyed handler.
     * @param keys    which keys reach it, or null for all.
     * @param <S>     the state type.
     * @return a handler that passes each admitted transition on to it.
     */
    static <S> TransitionHandler<S> adapt(final KeyedTransitionHandler<S> handler, final LongPredicate keys)
    {
        return KeyedDelivery.to(handler, keys);
    }
}
