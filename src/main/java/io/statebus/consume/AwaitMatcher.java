package io.statebus.consume;

import io.statebus.Gap;
import io.statebus.KeyedTransition;
import io.statebus.Transition;
import io.statebus.TransitionHandler;

import java.util.function.Predicate;

/** The handler of an await's private subscription: keeps a copy of the first match, notes any gap. */
final class AwaitMatcher<S> implements TransitionHandler<S>
{
    private final Predicate<? super S> predicate;
    /** Whether only the transitions of {@link #key} count (a keyed bus's await): a flag, as every long is a key. */
    private final boolean keyed;
    private final long key;
    Transition<S> match;
    long missed;

    AwaitMatcher(final Predicate<? super S> predicate)
    {
        this(predicate, false, 0);
    }

    /** A keyed bus's await: only the transitions of {@code key} count, whatever long it is. */
    AwaitMatcher(final Predicate<? super S> predicate, final long key)
    {
        this(predicate, true, key);
    }

    private AwaitMatcher(final Predicate<? super S> predicate, final boolean keyed, final long key)
    {
        this.predicate = predicate;
        this.keyed = keyed;
        this.key = key;
    }

    @Override
    public void onTransition(final Transition<S> transition, final boolean endOfBatch)
    {
        if (match == null && missed == 0 &&
            (!keyed || ((KeyedTransition<S>)transition).key() == key) && predicate.test(transition.to()))
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
