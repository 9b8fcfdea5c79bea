package io.statebus.consume;

import io.statebus.Gap;
import io.statebus.Transition;
import io.statebus.TransitionHandler;

import java.util.function.Predicate;

/** The handler of an await's private subscription: keeps a copy of the first match, notes any gap. */
final class AwaitMatcher<S> implements TransitionHandler<S>
{
    private final Predicate<? super S> predicate;
    Transition<S> match;
    long missed;

    AwaitMatcher(final Predicate<? super S> predicate)
    {
        this.predicate = predicate;
    }

    @Override
    public void onTransition(final Transition<S> transition, final boolean endOfBatch)
    {
        if (match == null && missed == 0 && predicate.test(transition.to()))
        {
            match = transition.copy();
        }
    }

    @Override
    public void onGap(final Gap<S> gap)
    {
        if (match == null)
        {
            missed += gap.missed();
        }
    }
}
