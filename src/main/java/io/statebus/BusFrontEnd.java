package io.statebus;

/**
 * What every bus ({@link StateBus}, {@link ValueStateBus}, {@link LongStateBus}, {@link KeyedStateBus}) answers the
 * same way from its engine: the counters, who may publish, and closing. Package-private: its public methods are
 * documented as each bus's own, and not final, so that javac gives each bus its own public bridge to them (reflection
 * from outside the package then works as on a method the bus declares).
 *
 * @param <S> the engine's state type (a value bus's is {@code Long}).
 */
abstract class BusFrontEnd<S> implements AutoCloseable
{
    final BusCore<S> core;

    BusFrontEnd(final BusCore<S> core)
    {
        this.core = core;
    }

    /**
     * @return the sequence of the latest published transition, which is also how many have been published (0
     *     before the first: sequence 0 is the initial state).
     */
    public long latestSequence()
    {
        return core.latestSequence();
    }

    /**
     * @return how many times a producer found the ring full (a {@link Policy#BLOCK} subscription a whole ring
     *     behind) and had to wait.
     */
    public long producerWaits()
    {
        return core.producerWaits();
    }

    /**
     * @return the ring's number of slots.
     */
    public int capacity()
    {
        return core.capacity();
    }

    /**
     * @return who may publish.
     */
    public ProducerMode producerMode()
    {
        return core.producerMode();
    }

    /**
     * @return true once {@link #close()} has been called.
     */
    public boolean isClosed()
    {
        return core.isClosed();
    }

    /**
     * Closes the bus; idempotent. Publishing then fails with {@link StateBusClosedException}; producers waiting
     * for capacity are released with it; handler threads deliver what was already published and end; pollers and
     * awaits receive what was already published, then the exception.
     *
     * <p>With {@link ProducerMode#MULTI}, {@code close()} waits for a publish in progress, so nothing is published
     * after it returns. With {@link ProducerMode#SINGLE} the publish path takes no lock and no full fence, so a
     * publish running on the owner thread at the same moment as {@code close()} on another thread may still
     * publish one transition after {@code close()} returns; a subscription that polls after that publish still
     * receives it, one that had already been told "closed" does not. For an exact cut, close a single-producer
     * bus from its producer thread.
     */
    @Override
    public void close()
    {
        core.close();
    }

    /** The engine behind this bus, for {@link BusEngineAccess} and tests. */
    final BusCore<S> core()
    {
        return core;
    }
}
