package io.statebus.aeron;

import io.statebus.BusStatus;
import io.statebus.LongGap;
import io.statebus.LongStateBus;
import io.statebus.LongSubscription;
import io.statebus.LongTransition;
import io.statebus.LongTransitionHandler;
import io.statebus.Policy;
import io.statebus.Subscription;

/**
 * A {@link LongStateBus} as a bridge's source: each transition as its two values, unboxed, staged for a run
 * ({@link ExtendedRun}). Duty-cycle thread only.
 */
final class LongBridgeSource implements BridgeSource, LongTransitionHandler
{
    private final LongStateBus bus;
    private final LongSubscription subscription;
    private BridgeStaging staging;

    LongBridgeSource(final LongStateBus bus, final Policy policy)
    {
        this.bus = bus;
        this.subscription = bus.subscribe(policy);
    }

    @Override
    public int kind()
    {
        return WireFormat.LONGS;
    }

    @Override
    public int poll(final BridgeStaging into, final int limit)
    {
        staging = into;
        return subscription.poll(this, limit);
    }

    @Override
    public void onTransition(final LongTransition t, final boolean endOfBatch)
    {
        staging.takeExtended(t.sequence(), t.timestampNanos(), t.from(), t.to());
    }

    /** A gap needs nothing: the subscription counts it, and the next sequence sent shows the jump. */
    @Override
    public void onGap(final LongGap gap)
    {
    }

    @Override
    public Subscription<?> subscription()
    {
        return subscription.subscription();
    }

    @Override
    public int joinStateId()
    {
        return 0;
    }

    @Override
    public long joinValue()
    {
        return subscription.joinValue();
    }

    @Override
    public BusStatus bus()
    {
        return bus;
    }

    @Override
    public boolean mayOwn(final Subscription<?> other)
    {
        return true; // a long bus's subscriptions do not name their bus
    }
}
