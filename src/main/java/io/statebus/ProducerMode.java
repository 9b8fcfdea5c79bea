package io.statebus;

/**
 * Who may change a bus's state.
 */
public enum ProducerMode
{
    /**
     * Exactly one thread changes the state: the first one whose {@code set}, {@code trySet} or
     * {@code compareAndSet} gets as far as publishing. A call answered without publishing (a forbidden transition,
     * an unchanged value, a failed compare) does not make its thread the producer. No lock on the publish path.
     * Once the bus has its producer, a call from any other thread fails with {@link IllegalStateException} and
     * changes nothing.
     */
    SINGLE,

    /**
     * Any thread may change the state (the default). Producers are serialised by a lock, which is what makes
     * {@code compareAndSet} linearizable and the ring's order the order in which the state changed.
     */
    MULTI
}
