package io.statebus.aeron;

import io.statebus.BusStatus;
import io.statebus.Gap;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedSubscription;
import io.statebus.KeyedTransition;
import io.statebus.KeyedTransitionHandler;
import io.statebus.Policy;
import io.statebus.Subscription;

/**
 * A {@link KeyedStateBus} as a bridge's source: each transition as its two state ids and its key; and the bridge's
 * {@link KeyShadow} of the source's open keys, for its snapshot runs. The shadow is seeded from the source's table
 * once the subscription has joined, kept from each transition taken, and seeded again after a gap (a lapped
 * {@code GAP} bridge missed transitions, so its copy may be stale). Duty-cycle thread only.
 *
 * @param <S> the state type.
 */
final class KeyedBridgeSource<S> implements BridgeSource, KeyedTransitionHandler<S>
{
    private final KeyedStateBus<S> bus;
    private final StateTable<S> states;
    private final BusStateIds<S> ids;
    private final KeyedSubscription<S> subscription;
    private final boolean[] retires;
    private final int retiresOn; // the fingerprint of the states in retires, sent in each snapshot run's end
    private final KeyShadow shadow;
    private BridgeStaging staging;
    private long position;

    KeyedBridgeSource(final KeyedStateBus<S> bus, final StateTable<S> states, final Policy policy)
    {
        this.bus = bus;
        this.states = states;
        this.ids = new BusStateIds<>(states);
        this.retires = new boolean[states.size()];
        for (int id = 0; id < retires.length; id++)
        {
            retires[id] = bus.retiresOn(states.stateOf(id));
        }
        this.retiresOn = RetiresOnCheck.fingerprint(retires);
        this.shadow = new KeyShadow(bus.maxKeys());
        this.subscription = bus.subscribe(policy);
        this.position = subscription.subscription().joinSequence();
        seed(position); // after the join: every key open at the join point is in the table now, or left by a transition
    }

    private void seed(final long at)
    {
        shadow.clear();
        bus.forEachOpenKey((key, state, sequence) -> shadow.seed(key, states.idOf(state), sequence, at));
        shadow.seedFrom(bus.latestSequence());
    }

    @Override
    public int kind()
    {
        return WireFormat.KEYED;
    }

    @Override
    public int poll(final BridgeStaging into, final int limit)
    {
        staging = into;
        return subscription.poll(this, limit);
    }

    @Override
    public void onTransition(final KeyedTransition<S> t, final boolean endOfBatch)
    {
        final int toId = ids.toId(t);
        position = t.sequence();
        shadow.apply(t.key(), toId, retires[toId], position);
        staging.take(position, t.timestampNanos(), ids.fromId(t), toId, t.key(), 0);
    }

    /** Lapped: the shadow may be stale; seeded again at the gap's end (allocates: a lapped bridge, not a hot path). */
    @Override
    public void onGap(final Gap<S> gap)
    {
        position = gap.lastMissed();
        seed(position);
    }

    /** @return the source's open keys as of {@link #position()}, the last transition taken. */
    KeyShadow shadow()
    {
        return shadow;
    }

    /** @return whether the key is open in the source's table now (one read of its entry, nothing allocated). */
    boolean isOpenAtSource(final long key)
    {
        return bus.isOpen(key);
    }

    /** @return the fingerprint of the states on reaching which the source retires a key ({@link RetiresOnCheck}). */
    int retiresOn()
    {
        return retiresOn;
    }

    /** @return the last sequence taken from the bus (or the join point). */
    long position()
    {
        return position;
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
        return true; // a keyed bus's subscriptions do not name their bus
    }
}
