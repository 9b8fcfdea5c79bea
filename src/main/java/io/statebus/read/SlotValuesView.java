package io.statebus.read;

/**
 * What a value bus's front end reads from the engine's reusable transition, without boxing: the {@code (from, to)}
 * longs copied from the slot beside its word. Valid during the callback that receives the transition.
 */
public interface SlotValuesView
{
    /**
     * @return the transition's sequence.
     */
    long sequence();

    /**
     * @return the transition's timestamp, 0 without a clock.
     */
    long timestampNanos();

    /**
     * @return the value before the transition.
     */
    long fromValue();

    /**
     * @return the value after the transition.
     */
    long toValue();
}
