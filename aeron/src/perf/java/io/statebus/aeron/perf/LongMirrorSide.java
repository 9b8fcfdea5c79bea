package io.statebus.aeron.perf;

import io.aeron.Subscription;
import io.statebus.LongStateBus;
import io.statebus.LongSubscription;
import io.statebus.LongTransition;
import io.statebus.LongTransitionHandler;
import io.statebus.Policy;
import io.statebus.aeron.MirroredLongBus;

/** {@link MirrorSide} of a long bus: the chain is {@code from == } the previous {@code to}, as two longs. */
final class LongMirrorSide extends MirrorSide implements LongTransitionHandler
{
    private final MirroredLongBus mirrored;
    private LongSubscription subscription;
    private long last;

    LongMirrorSide(final Subscription aeronSubscription, final RowSink row)
    {
        super(aeronSubscription, row);
        this.mirrored = receiver.mirrorLong(Wire.BUS_ID, b -> b.capacity(1024));
    }

    @Override
    boolean trySubscribe()
    {
        final LongStateBus bus = mirrored.bus();
        if (bus == null)
        {
            return false;
        }
        subscription = bus.subscribe(Policy.BLOCK);
        last = subscription.joinValue();
        row.joined(subscription.joinSequence());
        return true;
    }

    @Override
    int poll()
    {
        return subscription.poll(this, LIMIT);
    }

    @Override
    public void onTransition(final LongTransition t, final boolean endOfBatch)
    {
        if (t.from() != last)
        {
            row.chainBroken();
        }
        last = t.to();
        row.onMessage(t.sequence(), t.timestampNanos());
    }
}
