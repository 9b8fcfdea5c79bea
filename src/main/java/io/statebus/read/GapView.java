package io.statebus.read;

import io.statebus.Gap;
import io.statebus.ring.StateIds;

/** The reusable gap notice of one reader, owned by its consuming thread. */
final class GapView<S> implements Gap<S>
{
    private final StateIds<S> ids;
    long firstMissed;
    long lastMissed;
    int resumeStateId;

    GapView(final StateIds<S> ids)
    {
        this.ids = ids;
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
    public S resumeState()
    {
        return ids.stateOf(resumeStateId);
    }

    @Override
    public String toString()
    {
        return "gap of " + missed() + " [" + firstMissed + ".." + lastMissed + "], resuming from " + resumeState();
    }
}
