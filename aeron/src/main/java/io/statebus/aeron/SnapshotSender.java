package io.statebus.aeron;

/**
 * A bridge's snapshots: the latest transition it has sent or dropped, sent as a {@link WireFormat#SNAPSHOT} (or
 * {@link WireFormat#LONG_SNAPSHOT}) at once when the publication becomes connected (a mirror just joined) and every
 * {@code snapshotInterval} after, so that a mirror that joins late or lost messages finds the source's sequence and
 * state. Before the first transition it carries the bridge's join point. A keyed bridge sends a
 * {@link KeyedSnapshotRun} of its open keys instead, as of that same latest transition, paced by
 * {@link KeyedRunPacing}. Duty-cycle thread only, but for the count.
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
    private long first;
    private long second;
    private short flags;
    private KeyedSnapshotRun run; // a keyed bridge's; null otherwise
    private final KeyedRunPacing pacing = new KeyedRunPacing();

    private boolean wasConnected;
    private boolean intervalStarts; // a snapshot went to a mirror that just connected: the next clock reading times it
    private long nextAt;
    private volatile long snapshots; // single writer (the duty cycle): volatile for visibility, not atomicity

    /**
     * @param joinSequence the bridge subscription's join point: the first snapshot's sequence.
     * @param joinStateId  the state at the join point; its {@code from} is known only at sequence 0 (the initial
     *                     state, {@code from == to}), else the snapshot says {@link WireFormat#FLAG_FROM_UNKNOWN}.
     * @param joinValue    a long bus's value at the join point (as {@code joinStateId}), else 0.
     */
    SnapshotSender(final BridgeOutbox outbox, final DroppedRange drops, final long intervalNanos,
        final long joinSequence, final int joinStateId, final long joinValue)
    {
        this.first = joinValue;
        this.second = joinValue;
        this.outbox = outbox;
        this.drops = drops;
        this.intervalNanos = intervalNanos;
        this.sequence = joinSequence;
        this.fromId = joinStateId;
        this.toId = joinStateId;
        this.flags = joinSequence == 0 ? 0 : WireFormat.FLAG_FROM_UNKNOWN;
    }

    /**
     * Sends a snapshot if a mirror just connected; called first in a duty cycle, so that mirror gets it before the
     * transitions. Needs no clock: the interval starts at the next {@link #sendIfDue}.
     *
     * @return 1 if a snapshot was sent, else 0.
     */
    int sendIfJoined()
    {
        final boolean connected = outbox.isConnected();
        if (connected && !wasConnected)
        {
            if (send())
            {
                wasConnected = true;
                intervalStarts = true;
                return 1;
            }
        }
        else if (!connected)
        {
            wasConnected = false;
        }
        return 0;
    }

    /**
     * Sends a snapshot if the interval passed since the last one (the duty cycle reads the clock only now and then).
     *
     * @return 1 if a snapshot was sent, else 0.
     */
    int sendIfDue(final long now)
    {
        if (intervalStarts)
        {
            intervalStarts = false;
            nextAt = now + intervalNanos;
        }
        else if (wasConnected && ((now - nextAt >= 0 && pacing.allows(now)) || isRepairDue()) &&
            outbox.isConnected() && send())
        {
            nextAt = now + intervalNanos;
            return 1;
        }
        return 0;
    }

    /** @return whether a keyed bridge's next run is a repair: sent as soon as it can start, not at the interval. */
    private boolean isRepairDue()
    {
        return run != null && run.isRepairDue();
    }

    /** A keyed bridge: its snapshots are runs of its open keys. */
    void runs(final KeyedSnapshotRun keyedRun)
    {
        this.run = keyedRun;
    }

    /** @return true while a keyed bridge's run is going: the bridge then takes nothing from its bus. */
    boolean isRunning()
    {
        return run != null && run.isRunning();
    }

    /** @return the messages of a keyed run sent now, if one is going. */
    int proceed()
    {
        if (run == null)
        {
            return 0;
        }
        final int sent = run.proceed();
        if (!run.isRunning())
        {
            pacing.ended();
        }
        return sent;
    }

    private boolean send()
    {
        final boolean sent = run != null ? startRun() :
            outbox.offer(true, flags, sequence, timestamp, fromId, toId, first, second) > 0;
        if (sent)
        {
            snapshots++;
            drops.reportIfAny();
            return true;
        }
        return false;
    }

    private boolean startRun()
    {
        final long at = System.nanoTime(); // once a run is tried: a rare event, not the duty cycle's hot path
        if (!run.start(sequence, timestamp))
        {
            return false;
        }
        pacing.started(at, run.isRunning());
        return true;
    }

    /** A transition was sent or dropped: the next snapshot carries it. */
    void latest(final long latestSequence, final long latestTimestamp, final int latestFromId, final int latestToId,
        final long latestFirst, final long latestSecond)
    {
        first = latestFirst;
        second = latestSecond;
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
