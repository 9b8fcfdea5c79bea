package io.statebus.aeron;

import io.statebus.BusStatus;
import io.statebus.Gap;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import io.statebus.Transition;
import io.statebus.TransitionHandler;

/**
 * A bus of states as a bridge's source: each transition as its two state ids. Duty-cycle thread only.
 *
 * @param <S> the state type.
 */
final class StateBridgeSource<S> implements BridgeSource, TransitionHandler<S>
{
    private final StateBus<S> bus;
    private final StateTable<S> states;
    private final BusStateIds<S> ids;
    private final Subscription<S> subscription;
    private BridgeStaging staging;

    StateBridgeSource(final StateBus<S> bus, final StateTable<S> states, final Policy policy)
    {
        this.bus = bus;
        this.states = states;
        this.ids = new BusStateIds<>(states);
        this.subscription = bus.subscribe(policy);
    }

    @Override
    public int kind()
    {
        return WireFormat.STATES;
    }

    @Override
    public int poll(final BridgeStaging into, final int limit)
    {
        staging = into;
        return subscription.poll(this, limit);
    }

    @Override
    public void onTransition(final Transition<S> t, final boolean endOfBatch)
    {
        staging.takeStates(t.sequence(), t.timestampNanos(), ids.fromId(t), ids.toId(t));
    }

    /** A gap needs nothing: the subscription counts it, and the next sequence sent shows the jump. */
    @Override
    public void onGap(final Gap<S> gap)
    {
    }

    @Override
    public Subscription<?> subscription()
    {
        return subscription;
    }

    @Override
    public int joinStateId()
    {
        return states.idOf(subscription.joinState());
    }

    @Override
    public long joinValue()
    {
        return 0;
    }

    @Override
    public BusStatus bus()
    {
        return bus;
    }

    @Override
    public boolean mayOwn(final Subscription<?> other)
    {
        return other.bus() == bus;
    }
}
