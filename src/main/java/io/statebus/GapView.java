package io.statebus;

/** The reusable gap notice of one subscription, owned by its consuming thread. */
final class GapView<S> implements Gap<S>
{
    private final StateTable<S> table;
    long firstMissed;
    long lastMissed;
    int resumeStateId;

    GapView(final StateTable<S> table)
    {
        this.table = table;
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
        return table.stateOf(resumeStateId);
    }

    @Override
    public String toString()
    {
        return "gap of " + missed() + " [" + firstMissed + ".." + lastMissed + "], resuming from " + resumeState();
    }
}
