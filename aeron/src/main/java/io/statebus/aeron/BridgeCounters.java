package io.statebus.aeron;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.statebus.Subscription;
import org.agrona.CloseHelper;

/**
 * The source bus's and a bridge's counters as Aeron counters; refreshed by the bridge's duty cycle. An exposed
 * subscription's counters are freed by the first refresh after it closed (the bridge's own, with the bridge).
 */
final class BridgeCounters implements AutoCloseable
{
    private final String suffix;
    private final BridgeSource bus;
    private final Counter published;
    private final Counter producerWaits;
    private final Counter sent;
    private final Counter dropped;
    private final Counter backPressured;
    private final Counter snapshots;
    private final Counter stalls;
    private final SubscriptionCounters own; // the bridge's own subscription's, closed with the bridge
    private final ExposedSubscriptions exposed;
    private boolean closed; // guarded by this: refresh writes no counter that close freed

    BridgeCounters(final Aeron aeron, final int busId, final long session, final BridgeSource bus)
    {
        final Subscription<?> bridged = bus.subscription(); // the bridge's own
        this.bus = bus;
        this.exposed = new ExposedSubscriptions(aeron);
        this.suffix = "bus=" + busId + " session=" + Long.toHexString(session);
        final CounterGroup group = new CounterGroup(aeron);
        try
        {
            this.published = group.add(CounterTypes.SOURCE_PUBLISHED, "statebus source published: " + suffix);
            this.producerWaits = group.add(CounterTypes.SOURCE_PRODUCER_WAITS,
                "statebus source producer waits: " + suffix);
            this.sent = group.add(CounterTypes.BRIDGE_SENT, "statebus bridge sent: " + suffix);
            this.dropped = group.add(CounterTypes.BRIDGE_NOT_CONNECTED_DROPS,
                "statebus bridge dropped not connected: " + suffix);
            this.backPressured = group.add(CounterTypes.BRIDGE_BACK_PRESSURED,
                "statebus bridge back-pressured: " + suffix);
            this.snapshots = group.add(CounterTypes.BRIDGE_SNAPSHOTS, "statebus bridge snapshots: " + suffix);
            this.stalls = group.add(CounterTypes.BRIDGE_STALLS, "statebus bridge stalls: " + suffix);
            this.own = new SubscriptionCounters(aeron, suffix + " bridge", bridged);
        }
        catch (final RuntimeException ex) // the driver refused one: free those it gave (the subscription's free theirs)
        {
            throw group.freeAll(ex);
        }
    }

    /** @throws IllegalStateException if closed: the new counters are freed again, none is left behind. */
    void expose(final String name, final Subscription<?> subscription)
    {
        exposed.expose(suffix + " " + name, subscription, "the bridge is closed: it exposes no more counters");
    }

    /**
     * Writes the counts, unless closed: under this object's lock, as {@link #close} frees the counters under it, so a
     * duty cycle that a close from another thread overtakes never writes ids the driver may have handed to another
     * counter already. Once a millisecond at most, uncontended but for a close.
     */
    synchronized void refresh(final long sentValue, final long droppedValue, final long backPressuredValue,
        final long snapshotsValue, final long stallsValue)
    {
        if (closed)
        {
            return;
        }
        // the subscriptions' counts first, the source's latest sequence after them: as one refresh wrote them,
        // delivered + missed (+ the join point) never exceeds published, though both move while they are read
        own.refresh();
        exposed.refresh(); // and frees those of exposed subscriptions that have closed
        // release stores: a reader in another process sees whole values
        published.setRelease(bus.bus().latestSequence());
        producerWaits.setRelease(bus.bus().producerWaits());
        sent.setRelease(sentValue);
        dropped.setRelease(droppedValue);
        backPressured.setRelease(backPressuredValue);
        snapshots.setRelease(snapshotsValue);
        stalls.setRelease(stallsValue);
    }

    /** @return true once closed, by {@link #close()} or by the client (closed, or failed: a driver timeout). */
    boolean isClosed()
    {
        return sent.isClosed();
    }

    @Override
    public synchronized void close()
    {
        closed = true;
        CloseHelper.closeAll(published, producerWaits, sent, dropped, backPressured, snapshots, stalls);
        CloseHelper.closeAll(own, exposed);
    }
}
