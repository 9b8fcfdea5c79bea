package io.statebus.aeron.perf;

import io.aeron.Subscription;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import io.statebus.aeron.MirroredBus;
import io.statebus.aeron.StateTable;

/** {@link MirrorSide} of a bus of states: the chain is {@code from == } the previous {@code to}. */
final class StatesMirrorSide extends MirrorSide implements TransitionHandler<Wire.Phase>
{
    private final MirroredBus<Wire.Phase> mirrored;
    private io.statebus.Subscription<Wire.Phase> subscription;
    private Wire.Phase last;

    StatesMirrorSide(final Subscription aeronSubscription, final RowSink row)
    {
        super(aeronSubscription, row);
        this.mirrored = receiver.mirror(Wire.BUS_ID, StateTable.forEnum(Wire.Phase.class), b -> b.capacity(1024));
    }

    @Override
    boolean trySubscribe()
    {
        final StateBus<Wire.Phase> bus = mirrored.bus();
        if (bus == null)
        {
            return false;
        }
        subscription = bus.subscribe(Policy.BLOCK);
        last = subscription.joinState();
        row.joined(subscription.joinSequence());
        return true;
    }

    @Override
    int poll()
    {
        return subscription.poll(this, LIMIT);
    }

    @Override
    public void onTransition(final Transition<Wire.Phase> t, final boolean endOfBatch)
    {
        if (t.from() != last)
        {
            row.chainBroken();
        }
        last = t.to();
        row.onMessage(t.sequence(), t.timestampNanos());
    }
}
