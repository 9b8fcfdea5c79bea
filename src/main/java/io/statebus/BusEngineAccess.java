package io.statebus;

import io.statebus.consume.EngineAccess;
import io.statebus.publish.Producer;
import io.statebus.read.ConsumedBy;
import io.statebus.read.Subscriptions;

/** What {@link StateBus} installs in {@link EngineAccess}: a bus's engine, for this module's other packages. */
final class BusEngineAccess implements EngineAccess.Access
{
    @Override
    public <T> Producer<T> producer(final Subscribes<T> bus)
    {
        return frontEnd(bus).core().producer();
    }

    @Override
    public <T> Subscriptions<T> subscriptions(final Subscribes<T> bus)
    {
        return frontEnd(bus).core().subscriptions();
    }

    /** Only this module's buses reach here: the adapters take a {@link StateBus} or a {@link ValueStateBus}. */
    private static <T> SubscriptionFrontEnd<T> frontEnd(final Subscribes<T> bus)
    {
        return (SubscriptionFrontEnd<T>)bus;
    }

    @Override
    public boolean isBusClosed(final Subscription<?> subscription)
    {
        return subscription.reader().isBusClosed();
    }

    @Override
    public void fail(final Subscription<?> subscription, final Throwable cause)
    {
        subscription.reader().fail(cause);
    }

    @Override
    public ConsumedBy consumer(final Subscription<?> subscription)
    {
        return subscription.reader().consumedBy();
    }
}
