package io.statebus;

import io.statebus.read.SlotValuesView;

/**
 * Adapts a {@link LongTransitionHandler} to the engine's {@link TransitionHandler}, so a value bus is consumed by
 * the same readers, handler threads and executor deliveries as a state bus. One per subscription, reused for every
 * delivery: nothing is boxed and nothing allocated per transition. Owned by the subscription's consuming thread.
 *
 * <p>Only a {@link LongStateBus}'s transitions and gap notices carry longs ({@link SlotValuesView},
 * {@link LongGap}); another bus's {@code Subscription<Long>} (a {@link ValueStateBus} or {@link StateBus} of
 * {@code Long}s), handed to {@link LongTransitionHandler#adapt}, is refused at its first callback rather than
 * delivered as zeros.
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
        if (view.slot != transition) // a reader's one view for life: checked and stored once (G1's two barriers)
        {
            view.slot = longsOf(transition);
        }
        handler.onTransition(view, endOfBatch);
    }

    @Override
    public void onGap(final Gap<Long> gap)
    {
        if (!(gap instanceof LongGap))
        {
            throw notALongBus();
        }
        handler.onGap((LongGap)gap);
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

    private static SlotValuesView longsOf(final Transition<Long> transition)
    {
        if (!(transition instanceof SlotValuesView))
        {
            throw notALongBus();
        }
        return (SlotValuesView)transition;
    }

    private static IllegalArgumentException notALongBus()
    {
        return new IllegalArgumentException("LongTransitionHandler.adapt delivers a LongStateBus's transitions " +
            "only; this Subscription<Long> is of another bus (a StateBus or ValueStateBus of Longs), whose " +
            "transitions carry no longs: consume it with a TransitionHandler<Long>");
    }
}
