package io.statebus.aeron;

/**
 * A bridge's snapshots: the latest transition it has sent or dropped, sent as a {@link WireFormat#SNAPSHOT} at once
 * when the publication becomes connected (a mirror just joined) and every {@code snapshotInterval} after, so that a
 * mirror that joins late or lost messages finds the source's sequence and state. Before the first transition it
 * carries the bridge's join point. Duty-cycle thread only, but for the count.
 */
final class SnapshotSender
{
    private final BridgeOutbox outbox;
    private final DroppedRange drops;
    private final long intervalNanos;

    // the latest transition sent or dropped: what a snapshot carries
    private long sequence;
    private long timestamp;
    private int fromId;
    private int toId;
    private short flags;

    private boolean wasConnected;
    private long nextAt;
    private volatile long snapshots; // single writer (the duty cycle): volatile for visibility, not atomicity

    /**
     * @param joinSequence the bridge subscription's join point: the first snapshot's sequence.
     * @param joinStateId  the state at the join point; its {@code from} is known only at sequence 0 (the initial
     *                     state, {@code from == to}), else the snapshot says {@link WireFormat#FLAG_FROM_UNKNOWN}.
     */
    SnapshotSender(final BridgeOutbox outbox, final DroppedRange drops, final long intervalNanos,
        final long joinSequence, final int joinStateId)
    {
        this.outbox = outbox;
        this.drops = drops;
        this.intervalNanos = intervalNanos;
        this.sequence = joinSequence;
        this.fromId = joinStateId;
        this.toId = joinStateId;
        this.flags = joinSequence == 0 ? 0 : WireFormat.FLAG_FROM_UNKNOWN;
    }

    /**
     * Sends a snapshot if a mirror just connected or the interval passed; called first in a duty cycle, so a mirror
     * that just connected gets it before the transitions.
     *
     * @return 1 if a snapshot was sent, else 0.
     */
    int sendIfDue(final long now)
    {
        final boolean connected = outbox.isConnected();
        if (connected && (!wasConnected || now - nextAt >= 0))
        {
            final long result = outbox.offer(WireFormat.SNAPSHOT, flags, sequence, timestamp, fromId, toId);
            if (result > 0)
            {
                snapshots++;
                nextAt = now + intervalNanos;
                wasConnected = true;
                drops.reportIfAny();
                return 1;
            }
        }
        else if (!connected)
        {
            wasConnected = false;
        }
        return 0;
    }

    /** A transition was sent or dropped: the next snapshot carries it. */
    void latest(final long latestSequence, final long latestTimestamp, final int latestFromId, final int latestToId)
    {
        sequence = latestSequence;
        timestamp = latestTimestamp;
        fromId = latestFromId;
        toId = latestToId;
        flags = 0;
    }

    /** The publication refused a transition as not connected: the next mirror to connect gets a snapshot at once. */
    void disconnected()
    {
        wasConnected = false;
    }

    long snapshots()
    {
        return snapshots;
    }
}
