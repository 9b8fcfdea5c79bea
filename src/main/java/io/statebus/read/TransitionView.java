package io.statebus.read;

import io.statebus.Transition;
import io.statebus.ring.SlotWord;
import io.statebus.ring.StateIds;

/**
 * The reusable transition a reader hands to its handler, owned by the reader's consuming thread. Always a copy of
 * a slot made before the reader proved the slot was still its own (gated read) or whole (validated read), so a
 * handler never sees a slot that changed while it ran. Not final only for the views whose states are not ids
 * ({@link ValueStatesView}: {@link ValueTransitionView}, longs; {@link ReferenceTransitionView}, references) and
 * for {@link KeyedTransitionView}.
 */
class TransitionView<S> implements Transition<S>
{
    /** The states by id, held directly: one load less per from() and to(). */
    private final Object[] byId;
    long sequence;
    /** A {@link SlotWord}. */
    long word;
    long timestampNanos;
    /** The last sequence of the batch being delivered ({@code endOfBatch} there), set by the read loops. */
    long batchEnd;
    /** A value bus's longs (see {@link ValueTransitionView}); unused otherwise. */
    long fromValue;
    long toValue;
    /** A reference bus's values (see {@link ReferenceTransitionView}); unused otherwise. */
    Object fromReference;
    Object toReference;

    TransitionView(final StateIds<S> ids)
    {
        this.byId = ids.statesById();
    }

    @Override
    public final long sequence()
    {
        return sequence;
    }

    @Override
    @SuppressWarnings("unchecked")
    public S from()
    {
        return (S)byId[SlotWord.fromId(word)];
    }

    @Override
    @SuppressWarnings("unchecked")
    public S to()
    {
        return (S)byId[SlotWord.toId(word)];
    }

    /** The slot's from id: the state's index on a bus of states (value views say -1). */
    @Override
    public int fromIndex()
    {
        return SlotWord.fromId(word);
    }

    @Override
    public int toIndex()
    {
        return SlotWord.toId(word);
    }

    @Override
    public final long timestampNanos()
    {
        return timestampNanos;
    }

    @Override
    public String toString()
    {
        return "#" + sequence + " " + from() + " -> " + to();
    }
}
