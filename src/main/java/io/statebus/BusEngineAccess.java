package io.statebus;

import io.statebus.consume.EngineAccess;
import io.statebus.publish.Producer;
import io.statebus.read.Subscriptions;

/** What {@link StateBus} installs in {@link EngineAccess}: a bus's engine, for this module's other packages. */
final class BusEngineAccess implements EngineAccess.Access
{
    @Override
    public <T> Producer<T> producer(final StateBus<T> bus)
    {
        return bus.producer();
    }

    @Override
    public <T> Subscriptions<T> subscriptions(final StateBus<T> bus)
    {
        return bus.core().subscriptions();
    }

    @Override
    public boolean isBusClosed(final Subscription<?> subscription)
    {
        return subscription.reader().isBusClosed();
    }
}
