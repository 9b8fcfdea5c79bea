package io.statebus.publish;

/**
 * An operation a keyed bus runs while it holds the right to publish ({@link Producer#runHeld}): the producer
 * decides who may run it (its owner thread, or whoever holds its lock), the operation what it does.
 */
@FunctionalInterface
public interface HeldOperation
{
    /**
     * @param op       which operation (the implementation's own codes): one implementing class per call site, so
     *                 the producer's call stays monomorphic and inlined.
     * @param key      the entity's key.
     * @param a        the first state id argument.
     * @param b        the second.
     * @param deadline a {@code System.nanoTime()} deadline, or {@link PublishResult#NO_DEADLINE}.
     * @return a published sequence, or a {@link PublishResult} code.
     */
    long run(int op, long key, int a, int b, long deadline);

    /**
     * Refuses what {@link #run} would refuse whoever ran it, read lock-free (linearized at that read): called by a
     * single producer before a thread becomes its owner, so a refused first call does not make its thread the owner.
     *
     * @param op  which operation.
     * @param key the entity's key.
     */
    default void refuseBeforeOwning(final int op, final long key)
    {
    }
}
