package io.statebus;

import io.statebus.read.KeysAhead;

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
    /**
     * The consuming thread's: the next admitted transition found ahead in the batch (after the last one delivered
     * that did not end it), so each stretch of filtered-out transitions is looked through at most once; or -1.
     */
    private long nextAdmitted = -1;

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
        if (!(transition instanceof KeyedTransition))
        {
            throw notAKeyedBus(); // another bus's subscription, handed to adapt: its transitions carry no key
        }
        final KeyedTransition<S> keyed = (KeyedTransition<S>)transition; // a keyed bus's reader hands out its view
        if (keys == null)
        {
            handler.onTransition(keyed, endOfBatch);
        }
        else if (keys.test(keyed.key()))
        {
            handler.onTransition(keyed, endOfBatch || lastAdmitted(keyed));
        }
    }

    /**
     * Whether no later transition of the batch is admitted: then this one ends the batch for the handler, which
     * never sees the filtered-out transition the reader's batch ends on.
     */
    private boolean lastAdmitted(final KeyedTransition<S> keyed)
    {
        if (!(keyed instanceof KeysAhead))
        {
            return false; // not a reader's view (an adapter's caller): no batch to look into
        }
        if (nextAdmitted <= keyed.sequence()) // found for an earlier one, or in an earlier batch: look again
        {
            nextAdmitted = ((KeysAhead)keyed).nextAdmitted(keys);
        }
        return nextAdmitted < 0;
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

    private static IllegalArgumentException notAKeyedBus()
    {
        return new IllegalArgumentException("KeyedTransitionHandler.adapt delivers a KeyedStateBus's transitions " +
            "only; this Subscription is of another bus (a StateBus or ValueStateBus), whose transitions carry no " +
            "key: consume it with a TransitionHandler");
    }
}
