package io.statebus.aeron;

import io.statebus.BusStatus;
import io.statebus.Gap;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedSubscription;
import io.statebus.KeyedTransition;
import io.statebus.KeyedTransitionHandler;
import io.aeron.Publication;
import io.statebus.Policy;
import io.statebus.RetiredKeys;
import io.statebus.Subscription;

/**
 * A {@link KeyedStateBus} as a bridge's source: each transition as its two state ids and its key; each key the source
 * retired with {@code retire(key)}, which publishes nothing, as a {@link WireFormat#KEYED_RETIRE} between the same
 * two transitions ({@link RetiredKeys}: a poll stops at the next retirement, which is sent before the transition
 * after it, so a mirror's key table is the source's at every sequence and never holds more than its keys); and the
 * bridge's {@link KeyShadow} of the source's open keys, for its snapshot runs. The shadow is seeded from the source's
 * table once the subscription has joined, kept from each transition and retirement taken, and seeded again after a
 * gap (a lapped {@code GAP} bridge missed transitions, so its copy may be stale) or when retirements the log's lapping
 * hid fill it (then the next run repairs live mirrors, {@link WireFormat#FLAG_REPAIR}). Duty-cycle thread only.
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
    private final RetiredKeys retired;
    private BridgeStaging staging;
    private long position;
    private boolean repairDue; // the copy was rebuilt after missed retirements: live mirrors may hold retired keys

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
        this.retired = bus.retirements(); // before the join: a retirement after it is in the log, or in the seed
        this.subscription = bus.subscribe(policy);
        this.position = subscription.subscription().joinSequence();
        try
        {
            // after the join: every key open at the join point is in the table now, or left by a transition
            seed(position);
        }
        catch (final RuntimeException | Error ex) // an open key's state the table lacks: the bridge is not built
        {
            subscription.close(); // so it must not hold the source back
            throw ex;
        }
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

    /**
     * Takes up to {@code limit} transitions, each retirement sent between the two it came between: sends those due
     * at the bridge's position, polls up to the next one, and so on. Only up to the bus's latest sequence read first,
     * as every retirement before a transition up to it is in the log by then; and only while nothing is staged (a
     * retirement may not pass a transition that back-pressure holds back).
     */
    @Override
    public int poll(final BridgeStaging into, final int limit)
    {
        staging = into;
        final long latest = bus.latestSequence(); // acquire: before the log's reads, see above
        int work = 0;
        int taken = 0;
        while (into.isEmpty())
        {
            final int sent = sendRetirements(into.outbox());
            if (sent < 0)
            {
                break; // back-pressure holds a retirement back: no transition may pass it
            }
            work += sent;
            final long room = Math.min(latest, retired.nextAfter()) - position;
            final int polled = room <= 0 || taken == limit ? 0 :
                subscription.poll(this, (int)Math.min(limit - taken, room));
            if (polled == 0)
            {
                break;
            }
            taken += polled;
            work += polled;
        }
        return work;
    }

    /**
     * Sends each retirement made at or before the bridge's position (after a {@code GAP} bridge's gap, some may be
     * late: a mirror keeps a key reopened since, as it checks the key's sequence). A retirement refused as not
     * connected is taken all the same (a mirror that connects starts from a run without the key).
     *
     * @return the retirements sent, or -1 if back-pressure holds the next back (it is sent again next time).
     */
    private int sendRetirements(final BridgeOutbox outbox)
    {
        int sent = 0;
        for (long after = retired.nextAfter(); after <= position; after = retired.nextAfter())
        {
            final long key = retired.key();
            final long knownAt = retired.knownAt();
            final int state = Math.max(0, shadow.stateOf(key));
            // as of the sequence it followed, not the bridge's position: sent late, it must not retire a reopened key
            final long result =
                outbox.offer(WireFormat.KEYED_RETIRE, (short)0, knownAt, after, state, state, key, 0);
            if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
            {
                return -1;
            }
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED)
            {
                throw new IllegalStateException("keyed bridge: the publication is closed or full (Aeron result " +
                    result + "); the retirement of key " + key + " and later transitions are not sent");
            }
            shadow.retire(key, knownAt);
            retired.advance();
            sent++;
        }
        return sent;
    }

    /** @return whether a retirement at or before the bridge's position is not sent yet: no snapshot run may start. */
    boolean hasRetirementDue()
    {
        return retired.nextAfter() <= position;
    }

    /** @return whether the bridge missed retirements (its log lapped): only then may its copy hold retired keys. */
    boolean missedRetirements()
    {
        return retired.missed() > 0;
    }

    @Override
    public void onTransition(final KeyedTransition<S> t, final boolean endOfBatch)
    {
        final int toId = ids.toId(t);
        if (shadow.isFull() && missedRetirements())
        {
            rebuild(); // one load and compare a transition; the rebuild itself only after missed retirements
        }
        position = t.sequence();
        shadow.apply(t.key(), toId, retires[toId], position);
        staging.takeExtended(position, t.timestampNanos(), WireWords.states(ids.fromId(t), toId, 0), t.key());
    }

    /**
     * The copy is full of keys the source retired with {@code retire(key)} while its log lapped the bridge (they are
     * not known one by one, and the fallback sweep is sound only with the bridge caught up): seeded again from the
     * source's table at the bridge's position, as after a gap. Live mirrors were told of none of those keys, so the
     * next snapshot run is a repair ({@link WireFormat#FLAG_REPAIR}), sent as soon as the bridge is caught up.
     * Allocates (as {@link #onGap}): not a hot path.
     */
    private void rebuild()
    {
        seed(position);
        repairDue = true;
    }

    /** @return whether the next snapshot run must repair live mirrors' key tables ({@link #rebuild}). */
    boolean isRepairDue()
    {
        return repairDue;
    }

    /** A whole run with {@link WireFormat#FLAG_REPAIR} was sent: live mirrors hold the copy's keys again. */
    void repairSent()
    {
        repairDue = false;
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
