package io.statebus.aeron.perf;

import io.aeron.Subscription;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedSubscription;
import io.statebus.KeyedTransition;
import io.statebus.KeyedTransitionHandler;
import io.statebus.Policy;
import io.statebus.aeron.MirroredKeyedBus;
import io.statebus.aeron.StateTable;

import java.util.Arrays;

/**
 * {@link MirrorSide} of a keyed bus of {@link Wire#KEYS} keys: the chain is per key, {@code from == } that key's
 * previous {@code to}; a key's first transition opens it ({@code from == to}).
 */
final class KeyedMirrorSide extends MirrorSide implements KeyedTransitionHandler<Wire.Phase>
{
    private static final byte NOT_OPEN = -1;

    private final MirroredKeyedBus<Wire.Phase> mirrored;
    private final byte[] last = new byte[Wire.KEYS]; // each key's latest state's ordinal, or NOT_OPEN
    private KeyedSubscription<Wire.Phase> subscription;

    KeyedMirrorSide(final Subscription aeronSubscription, final RowSink row)
    {
        super(aeronSubscription, row);
        this.mirrored = receiver.mirrorKeyed(Wire.BUS_ID, StateTable.forEnum(Wire.Phase.class),
            b -> b.capacity(1024).maxKeys(Wire.KEYS));
    }

    @Override
    boolean trySubscribe()
    {
        final KeyedStateBus<Wire.Phase> bus = mirrored.bus();
        if (bus == null)
        {
            return false;
        }
        subscription = bus.subscribe(Policy.BLOCK);
        Arrays.fill(last, NOT_OPEN);
        // the keys open at the join (none when the row starts: the source sets nothing before the receiver is ready)
        bus.forEachOpenKey((key, state, sequence) -> last[(int)key] = (byte)state.ordinal());
        row.joined(subscription.subscription().joinSequence());
        return true;
    }

    @Override
    int poll()
    {
        return subscription.poll(this, LIMIT);
    }

    @Override
    public void onTransition(final KeyedTransition<Wire.Phase> t, final boolean endOfBatch)
    {
        final long key = t.key();
        if (key < 0 || key >= Wire.KEYS)
        {
            row.chainBroken();
        }
        else
        {
            final int previous = last[(int)key];
            if (previous == NOT_OPEN ? t.from() != t.to() : t.from().ordinal() != previous)
            {
                row.chainBroken();
            }
            last[(int)key] = (byte)t.to().ordinal();
        }
        row.onMessage(t.sequence(), t.timestampNanos());
    }
}
