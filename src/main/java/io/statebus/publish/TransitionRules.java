package io.statebus.publish;

import io.statebus.ForbiddenTransitionException;
import io.statebus.ring.StateIds;

import java.util.Objects;

/**
 * Whether a call may publish: the compare of {@code compareAndSet}, the unchanged no-op, and the optional table
 * of allowed transitions. Immutable.
 */
public final class TransitionRules
{
    private final StateIds<?> ids;
    /** {@code allowed[from * states + to]}, or null: every transition allowed. */
    private final boolean[] allowed;
    private final boolean publishUnchanged;

    /**
     * @param ids              the bus's states.
     * @param allowed          the table of allowed transitions by {@code from * states + to}, or null for none.
     * @param publishUnchanged whether setting the current value again publishes {@code X -> X}.
     */
    public TransitionRules(final StateIds<?> ids, final boolean[] allowed, final boolean publishUnchanged)
    {
        this.ids = ids;
        this.allowed = allowed == null ? null : allowed.clone();
        this.publishUnchanged = publishUnchanged;
    }

    /**
     * @param fromId     the current state.
     * @param expectedId the state a compare-and-set expects, or -1.
     * @param toId       the state asked for.
     * @return {@link PublishResult#ALLOWED}, {@link PublishResult#CAS_FAILED} or {@link PublishResult#NOT_PUBLISHED}.
     * @throws ForbiddenTransitionException if the table forbids the move.
     */
    long verdict(final int fromId, final int expectedId, final int toId)
    {
        if (expectedId >= 0 && fromId != expectedId)
        {
            return PublishResult.CAS_FAILED;
        }
        if (fromId == toId && !publishUnchanged)
        {
            return PublishResult.NOT_PUBLISHED;
        }
        if (allowed != null && !allowed[fromId * ids.size() + toId])
        {
            throw new ForbiddenTransitionException(ids.stateOf(fromId), ids.stateOf(toId));
        }
        return PublishResult.ALLOWED;
    }

    /**
     * The rules of a value bus: the compare and the unchanged no-op (a value bus has no table).
     *
     * @param from     the current value.
     * @param compare  whether this is a compare-and-set.
     * @param expected the value a compare-and-set expects.
     * @param next     the value asked for.
     * @return {@link PublishResult#ALLOWED}, {@link PublishResult#CAS_FAILED} or {@link PublishResult#NOT_PUBLISHED}.
     */
    long valueVerdict(final long from, final boolean compare, final long expected, final long next)
    {
        if (compare && from != expected)
        {
            return PublishResult.CAS_FAILED;
        }
        return from == next && !publishUnchanged ? PublishResult.NOT_PUBLISHED : PublishResult.ALLOWED;
    }

    /**
     * The rules of a reference value bus: as {@link #valueVerdict}, with {@link Objects#equals} for both
     * comparisons (user code: called before anything is claimed, so one that throws leaves nothing changed).
     *
     * @param from     the current value.
     * @param compare  whether this is a compare-and-set.
     * @param expected the value a compare-and-set expects.
     * @param next     the value asked for.
     * @return {@link PublishResult#ALLOWED}, {@link PublishResult#CAS_FAILED} or {@link PublishResult#NOT_PUBLISHED}.
     */
    long referenceVerdict(final Object from, final boolean compare, final Object expected, final Object next)
    {
        if (compare && !Objects.equals(from, expected))
        {
            return PublishResult.CAS_FAILED;
        }
        return !publishUnchanged && Objects.equals(from, next) ? PublishResult.NOT_PUBLISHED : PublishResult.ALLOWED;
    }

    /** The table of allowed transitions by {@code from * states + to} (shared, never written), or null. */
    boolean[] table()
    {
        return allowed;
    }
}
