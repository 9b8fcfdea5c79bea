package io.statebus;

import java.util.concurrent.Executor;

/**
 * {@link Subscribes}, done once for {@link StateBus} and {@link ValueStateBus} on their engine. Package-private, as
 * {@link BusFrontEnd} is.
 *
 * @param <S> the state type.
 */
abstract class SubscriptionFrontEnd<S> extends BusFrontEnd<S> implements Subscribes<S>
{
    /** What sequence 0 is, for a replay's error: "state" or "value". */
    private final String initialName;

    SubscriptionFrontEnd(final BusCore<S> core, final String initialName)
    {
        super(core);
        this.initialName = initialName;
    }

    /** @return what a subscription names as its bus ({@link Subscription#bus()}): a {@link StateBus}, or null. */
    abstract StateBus<S> subscriptionsBus();

    @Override
    public Subscription<S> subscribe(final Policy policy)
    {
        return new Subscription<>(subscriptionsBus(), core.join(policy));
    }

    @Override
    public Subscription<S> subscribe(final Policy policy, final long fromSequence)
    {
        return new Subscription<>(subscriptionsBus(), core.joinFrom(policy, fromSequence, initialName));
    }

    @Override
    public Subscription<S> subscribe(final Policy policy, final TransitionHandler<S> handler)
    {
        return new Subscription<>(subscriptionsBus(), core.onHandlerThread(policy, handler));
    }

    @Override
    public Subscription<S> subscribe(final Policy policy, final TransitionHandler<S> handler, final Executor executor)
    {
        return new Subscription<>(subscriptionsBus(), core.onExecutor(policy, handler, executor));
    }
}
