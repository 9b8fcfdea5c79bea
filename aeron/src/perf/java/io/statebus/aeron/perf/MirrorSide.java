package io.statebus.aeron.perf;

import io.aeron.Subscription;
import io.statebus.aeron.MirrorListener;
import io.statebus.aeron.MirrorReceiver;

/**
 * The StateBus part of a row's receiving JVM, one per kind of bus: a {@link MirrorReceiver}, the mirrored bus of the
 * row's kind, and a {@code BLOCK} subscription of its local bus, polled in one duty cycle ({@link #doWork}). Each
 * transition's chain is checked (per key for a keyed bus), then its sequence and timestamp go to the
 * {@link RowSink} (the {@link RowReceiver}, or a {@link OneThreadPath}), which checks the sequence and measures. The
 * receiving thread only.
 */
abstract class MirrorSide implements AutoCloseable
{
    static final int LIMIT = 256;

    final MirrorReceiver receiver;
    final RowSink row;
    private long messages;

    MirrorSide(final Subscription subscription, final RowSink row)
    {
        this.receiver = new MirrorReceiver(subscription, null, new MirrorListener()
        {
        }, LIMIT);
        this.row = row;
    }

    static MirrorSide of(final Wire.Kind kind, final Subscription subscription, final RowSink row)
    {
        return switch (kind)
        {
            case STATES -> new StatesMirrorSide(subscription, row);
            case LONG -> new LongMirrorSide(subscription, row);
            case KEYED -> new KeyedMirrorSide(subscription, row);
        };
    }

    /**
     * Subscribes to the local bus if it started (and tells the row the join sequence).
     *
     * @return false while the local bus has not started.
     */
    abstract boolean trySubscribe();

    /** @return transitions the subscription delivered now (at most {@link #LIMIT}). */
    abstract int poll();

    /** @return the work done: messages the receiver took (counted), then transitions delivered. */
    final int doWork()
    {
        final int taken = receiver.doWork();
        messages += taken;
        return taken + poll();
    }

    /** @return the messages the receiver took so far in {@link #doWork} (a run is one; a snapshot too). */
    final long messages()
    {
        return messages;
    }

    @Override
    public final void close()
    {
        receiver.close();
    }
}
