package io.statebus;

/**
 * What every bus ({@link StateBus}, {@link ValueStateBus}, {@link LongStateBus}, {@link KeyedStateBus}) tells of its
 * ring and its producers, and how it closes.
 */
public interface BusStatus extends AutoCloseable
{
    /**
     * @return the sequence of the latest published transition, which is also how many have been published (0
     *     before the first: sequence 0 is the initial state).
     */
    long latestSequence();

    /**
     * @return how many times a producer found the ring full (a {@link Policy#BLOCK} subscription a whole ring
     *     behind) and had to wait.
     */
    long producerWaits();

    /**
     * @return the total time producers spent waiting for ring capacity, in nanoseconds (a mirror's bus: its appending
     *     thread).
     */
    long producerWaitNanos();

    /**
     * @return the ring's number of slots.
     */
    int capacity();

    /**
     * @return who may publish.
     */
    ProducerMode producerMode();

    /**
     * @return true once {@link BusStatus#close()} has been called.
     */
    boolean isClosed();

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
    void close();
}
