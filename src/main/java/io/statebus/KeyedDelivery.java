package io.statebus;

import java.util.Objects;
import java.util.function.LongPredicate;

/**
 * Adapts a {@link KeyedTransitionHandler} to the engine's {@link TransitionHandler}, with the subscription's key
 * filter: one per subscription, reused, so nothing is allocated per transition. A filtered-out transition costs
 * the filter's test and is consumed (counted delivered) without reaching the handler.
 */
final class KeyedDelivery<S> implements TransitionHandler<S>
{
    private final LongPredicate keys;
    /** Set per poll by a poller (its own thread), or once by a handler thread or executor subscription. */
    KeyedTransitionHandler<S> handler;

    KeyedDelivery(final KeyedTransitionHandler<S> handler, final LongPredicate keys)
    {
        this.handler = handler;
        this.keys = keys;
    }

    /** A delivery for a handler thread or an executor: {@code handler} for good, checked not null. */
    static <S> KeyedDelivery<S> to(final KeyedTransitionHandler<S> handler, final LongPredicate keys)
    {
        return new KeyedDelivery<>(Objects.requireNonNull(handler, "handler must not be null"), keys);
    }

    @Override
    public void onTransition(final Transition<S> transition, final boolean endOfBatch)
    {
        final KeyedTransition<S> keyed = (KeyedTransition<S>)transition; // a keyed bus's reader hands out its view
        if (keys == null || keys.test(keyed.key()))
        {
            handler.onTransition(keyed, endOfBatch);
        }
    }

    @Override
    public void onGap(final Gap<S> gap)
    {
        handler.onGap(gap);
    }

    @Override
    public void onStart(final S joinState, final long joinSequence)
    {
        handler.onStart();
    }

    @Override
    public void onStop()
    {
        handler.onStop();
    }
}
