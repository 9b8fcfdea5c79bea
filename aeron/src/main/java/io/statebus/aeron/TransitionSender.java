package io.statebus.aeron;

import io.aeron.Publication;

/**
 * A bridge's send loop: writes the transitions {@link BridgeStaging} holds into the publication in order, in runs of
 * up to {@link BridgeOutbox#maxRun()} per message, each run as long as what is staged allows (nothing waits for
 * more), and handles what Aeron answers.
 * <ul>
 *   <li>sent: counted; a range dropped before it is told;</li>
 *   <li>not connected: dropped and counted (see {@link DroppedRange}); the source is never held for a missing
 *   mirror;</li>
 *   <li>back-pressured (or an admin action): counted, the transition stays staged for the next duty cycle, and
 *   back-pressure longer than the stall threshold is counted and told once per incident;</li>
 *   <li>closed, or the maximum position reached: an {@link IllegalStateException}, which fails the bridge.</li>
 * </ul>
 * Duty-cycle thread only, but for the counts.
 */
final class TransitionSender
{
    private static final String CLOSED =
        "is closed (by the application, or its Aeron client failed, for example after a driver timeout)";

    private final BridgeOutbox outbox;
    private final BridgeStaging staging;
    private final DroppedRange drops;
    private final SnapshotSender snapshots;
    private final BridgeListener listener;
    private final long stallNanos;
    private long stallStartedAt;
    private boolean stallReported;

    private long sentCount; // the duty cycle's own count; published to sent once per batch
    // single writer (the duty cycle): volatile for visibility, not atomicity
    private volatile long sent;
    private volatile long backPressured;
    private volatile long stalls;

    TransitionSender(final BridgeOutbox outbox, final BridgeStaging staging, final DroppedRange drops,
        final SnapshotSender snapshots, final BridgeListener listener, final long stallNanos)
    {
        this.outbox = outbox;
        this.staging = staging;
        this.drops = drops;
        this.snapshots = snapshots;
        this.listener = listener;
        this.stallNanos = stallNanos;
    }

    /**
     * Sends (or drops) the staged transitions in order, until back-pressure stops it. What is the same for every
     * message of a run (the latest for snapshots, a dropped range to tell, the stall clock, the sent count) is
     * settled once per flush, not per message: a message costs its claim, its write and its commit.
     *
     * @return the transitions sent or dropped.
     * @throws IllegalStateException if the publication is closed or reached its maximum position.
     */
    int flush()
    {
        boolean sentSinceDrop = false; // a dropped range is told at the first message sent after it
        int done = 0;
        // a claim within the window succeeds even with no subscriber: ask first, so drops are counted and told
        final boolean connected = staging.hasNext() && outbox.isConnected();
        final long refusal = connected || !outbox.isClosed() ? Publication.NOT_CONNECTED : Publication.CLOSED;
        final int maxRun = outbox.maxRun();
        while (staging.hasNext())
        {
            final int run = connected ? Math.min(staging.remaining(), maxRun) : 1;
            final long result = connected ? outbox.offerRun(staging, run) : refusal;
            if (result > 0)
            {
                if (!sentSinceDrop)
                {
                    sentSinceDrop = true;
                    reachedMirror();
                }
                sentCount += run; // here, not after the loop: exact even if a later refusal throws
                staging.advance(run);
                done += run;
            }
            else if (refused(result))
            {
                sentSinceDrop = false;
                staging.advance(1);
                done++;
            }
            else
            {
                break;
            }
        }
        return settled(done);
    }

    /** A message reached the publication: the stall is over, and a range dropped before it is told. */
    private void reachedMirror()
    {
        stallStartedAt = 0;
        drops.reportIfAny();
    }

    /** Once per flush: the latest for snapshots and the sent count; an area sent or dropped to the end is reset. */
    private int settled(final int done)
    {
        if (done > 0)
        {
            staging.tellLatest(snapshots); // the last one sent or dropped: what the next snapshot carries
            sent = sentCount; // one volatile store per batch, not per transition
        }
        staging.resetIfDrained();
        return done;
    }

    /** @return true if the head transition was dropped (not connected), false if it stays staged (back-pressure). */
    private boolean refused(final long result)
    {
        if (result == Publication.NOT_CONNECTED)
        {
            drops.drop(staging.sequence());
            snapshots.disconnected();
            return true;
        }
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
        {
            backPressured++;
            noteStall(System.nanoTime(), staging.sequence()); // the clock only here: the loop stops after it
            return false;
        }
        throw new IllegalStateException("bridge of bus " + outbox.busId() + ": the publication " +
            (result == Publication.CLOSED ? CLOSED : "reached its maximum position") +
            " (Aeron result " + result + "); transition " + staging.sequence() + " and later are not sent");
    }

    /** @return the failure of a bridge whose publication closed while it had nothing to send. */
    static IllegalStateException closedWhileIdle(final int busId)
    {
        return new IllegalStateException("bridge of bus " + busId + ": the publication " + CLOSED +
            "; no transition is sent after it");
    }

    private void noteStall(final long now, final long sequence)
    {
        if (stallStartedAt == 0)
        {
            stallStartedAt = now;
            stallReported = false;
        }
        else if (!stallReported && now - stallStartedAt >= stallNanos)
        {
            stallReported = true;
            stalls++;
            listener.onStalled(sequence, now - stallStartedAt);
        }
    }

    long sent()
    {
        return sent;
    }

    long backPressured()
    {
        return backPressured;
    }

    long stalls()
    {
        return stalls;
    }
}
