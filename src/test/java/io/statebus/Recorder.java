package io.statebus;

import java.util.ArrayList;
import java.util.List;

/** A handler that keeps copies of what it receives, for assertions. Allocates: tests only. */
final class Recorder<S> implements TransitionHandler<S>
{
    final List<Transition<S>> transitions = new ArrayList<>();
    final List<String> gaps = new ArrayList<>();

    @Override
    public void onTransition(final Transition<S> transition, final boolean endOfBatch)
    {
        transitions.add(transition.copy());
    }

    @Override
    public void onGap(final Gap<S> gap)
    {
        gaps.add(gap.firstMissed() + ".." + gap.lastMissed() + "->" + gap.resumeState());
    }
}
