package io.statebus.consume;

import io.statebus.Gap;
import io.statebus.KeyedTransition;
import io.statebus.Transition;
import io.statebus.TransitionHandler;

import java.util.function.Predicate;

/** The handler of an await's private subscription: keeps a copy of the first match, notes any gap. */
final class AwaitMatcher<S> implements TransitionHandler<S>
{
    /** Any key: the await is not a keyed bus's. */
    static final long ANY_KEY = Long.MIN_VALUE;

    private final Predicate<? super S> predicate;
    private final long key;
    Transition<S> match;
    long missed;

    AwaitMatcher(final Predicate<? super S> predicate)
    {
        this(predicate, ANY_KEY);
    }

    /** A keyed bus's await: only the transitions of {@code key} count (not {@link #ANY_KEY}: no such key waits). */
    AwaitMatcher(final Predicate<? super S> predicate, final long key)
    {
        this.predicate = predicate;
        this.key = key;
    }

    @Override
    public void onTransition(final Transition<S> transition, final boolean endOfBatch)
    {
        if (match == null && missed == 0 &&
            (key == ANY_KEY || ((KeyedTransition<S>)transition).key() == key) && predicate.test(transition.to()))
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
