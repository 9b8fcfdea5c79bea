package io.statebus;

import java.util.concurrent.Executor;
import java.util.function.LongPredicate;

/**
 * A {@link KeyedStateBus}'s ways to subscribe, each with or without a key filter, done on its engine. Package-private,
 * as {@link BusFrontEnd} is: its public methods are the bus's.
 *
 * @param <S> the state type.
 */
abstract class KeyedSubscriptionFrontEnd<S> extends BusFrontEnd<S>
{
    KeyedSubscriptionFrontEnd(final BusCore<S> core)
    {
        super(core);
    }

    /**
     * @param policy what happens when the subscription is a whole ring behind.
     * @return a subscription to every key, to poll.
     * @throws StateBusClosedException if the bus is closed.
     */
    public KeyedSubscription<S> subscribe(final Policy policy)
    {
        return subscribe(policy, (LongPredicate)null);
    }

    /**
     * @param policy what happens when the subscription is a whole ring behind.
     * @param keys   which keys' transitions reach the handler (others are skipped at the cost of this test, made
     *               once more for those after an admitted one in its batch, to tell whether it ends the batch), or
     *               null for all.
     * @return a subscription to poll.
     * @throws StateBusClosedException if the bus is closed.
     */
    public KeyedSubscription<S> subscribe(final Policy policy, final LongPredicate keys)
    {
        return new KeyedSubscription<>(new Subscription<>(null, core.join(policy)), keys);
    }

    /**
     * @param policy  what happens when the subscription is a whole ring behind.
     * @param handler receives every transition on a thread of its own.
     * @return the subscription (closing it ends the thread).
     * @throws StateBusClosedException if the bus is closed.
     */
    public KeyedSubscription<S> subscribe(final Policy policy, final KeyedTransitionHandler<S> handler)
    {
        return subscribe(policy, null, handler);
    }

    /**
     * @param policy  what happens when the subscription is a whole ring behind.
     * @param keys    which keys reach the handler, or null for all.
     * @param handler receives the admitted transitions on a thread of its own.
     * @return the subscription (closing it ends the thread).
     * @throws StateBusClosedException if the bus is closed.
     */
    public KeyedSubscription<S> subscribe(
        final Policy policy, final LongPredicate keys, final KeyedTransitionHandler<S> handler)
    {
        return new KeyedSubscription<>(
            new Subscription<>(null, core.onHandlerThread(policy, KeyedDelivery.to(handler, keys))), keys);
    }

    /**
     * @param policy   what happens when the subscription is a whole ring behind.
     * @param handler  receives every transition, in order, one task at a time.
     * @param executor runs the delivery tasks.
     * @return the subscription.
     * @throws StateBusClosedException if the bus is closed.
     */
    public KeyedSubscription<S> subscribe(
        final Policy policy, final KeyedTransitionHandler<S> handler, final Executor executor)
    {
        return subscribe(policy, null, handler, executor);
    }

    /**
     * @param policy   what happens when the subscription is a whole ring behind.
     * @param keys     which keys reach the handler (others are consumed at the cost of this test, made once more
     *                 for those after an admitted one in its batch, to tell whether it ends the batch), or null for all.
     * @param handler  receives the admitted transitions, in order, one task at a time.
     * @param executor runs the delivery tasks.
     * @return the subscription.
     * @throws StateBusClosedException if the bus is closed.
     */
    public KeyedSubscription<S> subscribe(
        final Policy policy, final LongPredicate keys, final KeyedTransitionHandler<S> handler, final Executor executor)
    {
        return new KeyedSubscription<>(
            new Subscription<>(null, core.onExecutor(policy, KeyedDelivery.to(handler, keys), executor)), keys);
    }
}
