package io.statebus.aeron;

import io.statebus.Gap;
import io.statebus.StateBus;
import io.statebus.StateBusClosedException;
import io.statebus.Subscription;
import io.statebus.Transition;
import io.statebus.TransitionHandler;

/**
 * A bridge's staging area: each duty cycle polls at most {@code batchLimit} transitions from the bridge's subscription
 * of the source bus into preallocated arrays (states as ids), which the {@link TransitionSender} then sends in order.
 * Transitions the publication refuses stay staged for the next cycle. Duty-cycle thread only.
 *
 * @param <S> the state type.
 */
final class BridgeStaging<S> implements TransitionHandler<S>
{
    private final StateBus<S> bus;
    private final Subscription<S> subscription;
    private final StateTable<S> states;
    private final int batchLimit;
    private final long[] sequence;
    private final long[] timestamp;
    private final int[] fromId;
    private final int[] toId;
    private int head;
    private int count;
    private boolean busEnded;

    BridgeStaging(final StateBus<S> bus, final Subscription<S> subscription, final StateTable<S> states,
        final int batchLimit)
    {
        this.bus = bus;
        this.subscription = subscription;
        this.states = states;
        this.batchLimit = batchLimit;
        this.sequence = new long[batchLimit];
        this.timestamp = new long[batchLimit];
        this.fromId = new int[batchLimit];
        this.toId = new int[batchLimit];
    }

    /**
     * Polls the next batch, once everything staged before was sent or dropped.
     *
     * @return the transitions staged.
     * @throws StateBusClosedException if the subscription was closed under the bridge while the bus is open.
     */
    int takeFromBus()
    {
        if (count != 0 || busEnded)
        {
            return 0;
        }
        try
        {
            return subscription.poll(this, batchLimit);
        }
        catch (final StateBusClosedException ex)
        {
            if (!bus.isClosed())
            {
                throw ex; // the subscription was closed under the bridge: a failure, not the end of the source
            }
            busEnded = true;
            return 0;
        }
    }

    /** Copies one polled transition into the arrays. */
    @Override
    public void onTransition(final Transition<S> transition, final boolean endOfBatch)
    {
        final int i = count++;
        sequence[i] = transition.sequence();
        timestamp[i] = transition.timestampNanos();
        fromId[i] = states.idOf(transition.from());
        toId[i] = states.idOf(transition.to());
    }

    /** A gap needs nothing: the subscription counts it (missed, gaps), and the next sequence sent shows the jump. */
    @Override
    public void onGap(final Gap<S> gap)
    {
    }

    /** @return true if a staged transition waits to be sent. */
    boolean hasNext()
    {
        return head < count;
    }

    long sequence()
    {
        return sequence[head];
    }

    long timestamp()
    {
        return timestamp[head];
    }

    int fromId()
    {
        return fromId[head];
    }

    int toId()
    {
        return toId[head];
    }

    /** Tells {@code snapshots} the last transition sent or dropped (the one before the head). */
    void tellLatest(final SnapshotSender snapshots)
    {
        final int last = head - 1;
        snapshots.latest(sequence[last], timestamp[last], fromId[last], toId[last]);
    }

    /** The transition at the head was sent or dropped. */
    void advance()
    {
        head++;
    }

    /** After a flush: an area sent or dropped to the end is empty again, ready for the next batch. */
    void resetIfDrained()
    {
        if (head == count)
        {
            head = 0;
            count = 0;
        }
    }

    /** @return true once the source bus is closed and every transition it published was staged. */
    boolean busEnded()
    {
        return busEnded;
    }

    /** @return true if nothing is staged. */
    boolean isEmpty()
    {
        return count == 0;
    }
}
