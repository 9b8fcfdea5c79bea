package io.statebus.read;

import io.statebus.Gap;
import io.statebus.ring.StateIds;

/**
 * The reusable gap notice of one reader, owned by its consuming thread. Not final only for {@link LongGapView}, a
 * long bus's, the one that is a {@code LongGap} too.
 */
class GapView<S> implements Gap<S>
{
    private final StateIds<S> ids;
    /** Whether the bus's states are longs beside the word (a value bus), not ids. */
    private final boolean valued;
    /** Whether the bus's states are references beside the word (a reference value bus). */
    private final boolean referenced;
    long firstMissed;
    long lastMissed;
    int resumeStateId;
    long resumeValue;
    Object resumeReference;

    GapView(final StateIds<S> ids, final boolean valued, final boolean referenced)
    {
        this.ids = ids;
        this.valued = valued;
        this.referenced = referenced;
    }

    @Override
    public long missed()
    {
        return lastMissed - firstMissed + 1;
    }

    @Override
    public long firstMissed()
    {
        return firstMissed;
    }

    @Override
    public long lastMissed()
    {
        return lastMissed;
    }

    @Override
    @SuppressWarnings("unchecked")
    public S resumeState()
    {
        if (referenced)
        {
            return (S)resumeReference; // a reference bus's states are values of type S
        }
        return valued ? (S)Long.valueOf(resumeValue) : ids.stateOf(resumeStateId); // a value bus's S is Long
    }

    /** @return a long bus's resume value ({@link LongGapView}); 0 on any other bus. */
    public long resumeValue()
    {
        return resumeValue;
    }

    @Override
    public String toString()
    {
        return "gap of " + missed() + " [" + firstMissed + ".." + lastMissed + "], resuming from " + resumeState();
    }
}
