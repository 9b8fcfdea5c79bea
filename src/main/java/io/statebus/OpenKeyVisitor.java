package io.statebus;

/**
 * Receives the open keys of a {@link KeyedStateBus}, one call per key ({@link KeyedStateBus#forEachOpenKey}).
 *
 * @param <S> the state type.
 */
@FunctionalInterface
public interface OpenKeyVisitor<S>
{
    /**
     * @param key      an open key.
     * @param state    its state after its latest transition.
     * @param sequence the sequence of that transition (it may be claimed and not yet published: then it is after
     *                 the bus's latest sequence, and the key may not be open yet, or still in its previous state).
     */
    void visit(long key, S state, long sequence);
}
