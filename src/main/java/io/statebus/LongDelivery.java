package io.statebus;

import io.statebus.read.SlotValuesView;

/**
 * Adapts a {@link LongTransitionHandler} to the engine's {@link TransitionHandler}, so a value bus is consumed by
 * the same readers, handler threads and executor deliveries as a state bus. One per subscription, reused for every
 * delivery: nothing is boxed and nothing allocated per transition. Owned by the subscription's consuming thread.
 */
final class LongDelivery implements TransitionHandler<Long>
{
    private final LongTransitionView view = new LongTransitionView();
    /** Set per poll by a poller (its own thread), or once by a handler thread or executor subscription. */
    LongTransitionHandler handler;

    LongDelivery(final LongTransitionHandler handler)
    {
        this.handler = handler;
    }

    @Override
    public void onTransition(final Transition<Long> transition, final boolean endOfBatch)
    {
        final SlotValuesView slot = (SlotValuesView)transition; // a value bus's reader hands out its engine view
        if (view.slot != slot) // the same view for life: a reference store per delivery would pay G1's two barriers
        {
            view.slot = slot;
        }
        handler.onTransition(view, endOfBatch);
    }

    @Override
    public void onGap(final Gap<Long> gap)
    {
        handler.onGap((LongGap)gap); // the engine's gap view is both
    }

    @Override
    public void onStart(final Long joinState, final long joinSequence)
    {
        handler.onStart(joinState, joinSequence);
    }

    @Override
    public void onStop()
    {
        handler.onStop();
    }
}
