package io.statebus;

/**
 * Who may change a bus's state.
 */
public enum ProducerMode
{
    /**
     * Exactly one thread changes the state: the first one that calls {@code set}, {@code trySet} or
     * {@code compareAndSet}, whatever that call's outcome (a forbidden or unchanged value still makes it the
     * producer). No lock on the publish path. A call from any other thread fails with
     * {@link IllegalStateException} and changes nothing.
     */
    SINGLE,

    /**
     * Any thread may change the state. Producers are serialised by a lock, which is what makes
     * {@code compareAndSet} linearizable and the ring's order the order in which the state changed.
     */
    MULTI
}
