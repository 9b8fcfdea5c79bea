package io.statebus;

/**
 * {@link BusStatus}, done once for every bus on its engine. Package-private; its public methods are not final, so that
 * javac gives each bus a public bridge to them (reflection from outside the package then works as on a method the
 * bus declares).
 *
 * @param <S> the engine's state type (a value bus's is {@code Long}).
 */
abstract class BusFrontEnd<S> implements BusStatus
{
    final BusCore<S> core;

    BusFrontEnd(final BusCore<S> core)
    {
        this.core = core;
    }

    @Override
    public long latestSequence()
    {
        return core.latestSequence();
    }

    @Override
    public long producerWaits()
    {
        return core.producerWaits();
    }

    @Override
    public long producerWaitNanos()
    {
        return core.producerWaitNanos();
    }

    @Override
    public int capacity()
    {
        return core.capacity();
    }

    @Override
    public ProducerMode producerMode()
    {
        return core.producerMode();
    }

    @Override
    public boolean isClosed()
    {
        return core.isClosed();
    }

    @Override
    public void close()
    {
        core.close();
    }

    /**
     * @return the number of open subscriptions: the user's, and the private one of each await registered and not yet
     *     answered or closed (a {@link PendingAwait}, a future not yet completed).
     */
    public int subscriptionCount()
    {
        return core.subscriptionCount();
    }

    /** The engine behind this bus, for {@link BusEngineAccess} and tests. */
    final BusCore<S> core()
    {
        return core;
    }
}
