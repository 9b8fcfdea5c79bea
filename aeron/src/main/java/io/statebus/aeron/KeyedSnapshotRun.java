package io.statebus.aeron;

import io.aeron.Publication;

/**
 * A keyed bridge's snapshot: a run of {@link WireFormat#KEYED_SNAPSHOT} messages, pages of the open keys of its
 * {@link KeyShadow} ({@link KeyedSnapshotPage}: as many as one message of the publication holds), each tagged with the
 * sequence the run describes and the index of its first key, then a
 * {@link WireFormat#KEYED_SNAPSHOT_END} with the count and the fingerprint of the source's {@code retireOn} states
 * ({@link RetiresOnCheck}). A run starts only when nothing is staged and the shadow is exact at the bridge's position,
 * and after the keys found retired explicitly at that position have left the shadow ({@link KeyRetirements#sweepAll},
 * whose messages go before the run's; if the publication refuses one, the run does not start, and is tried again);
 * while it runs the bridge takes nothing from its bus, so no transition comes between its messages and the shadow
 * does not change under it. Back-pressure pauses it (the next duty cycle goes on where it stopped); a publication that
 * is not connected ends it unfinished (a mirror never starts from a run without its end). Duty-cycle thread only.
 */
final class KeyedSnapshotRun
{
    private final BridgeOutbox outbox;
    private final BridgeStaging staging;
    private final KeyedBridgeSource<?> source;
    private final KeyRetirements retirements;
    private boolean running;
    private long sequence;
    private long timestamp;
    private int slot;
    private int index;
    private short flags; // FLAG_REPAIR if the bridge's copy was rebuilt (KeyedBridgeSource.isRepairDue)

    KeyedSnapshotRun(final BridgeOutbox outbox, final BridgeStaging staging, final KeyedBridgeSource<?> source,
        final KeyRetirements retirements)
    {
        this.retirements = retirements;
        this.outbox = outbox;
        this.staging = staging;
        this.source = source;
    }

    /**
     * Starts a run describing {@code latestSequence}, if the shadow is exact there, and sends what it can.
     *
     * @return false if it cannot start now (a run already going, something staged, the shadow not yet exact, or a
     *     retirement refused by the publication).
     */
    boolean start(final long latestSequence, final long latestTimestamp)
    {
        final long at = source.position();
        if (running || !staging.isEmpty() || at != latestSequence || !source.shadow().isExact(at) ||
            source.hasRetirementDue())
        {
            return false;
        }
        if (!retirements.sweepAll()) // keys the source retired explicitly leave the copy (and live mirrors) first
        {
            return false; // the run would hold the key whose retirement was refused: a later cycle tries again
        }
        running = true;
        flags = source.isRepairDue() ? WireFormat.FLAG_REPAIR : 0;
        sequence = at;
        timestamp = latestTimestamp;
        slot = 0;
        index = 0;
        proceed();
        return true;
    }

    /** @return whether the next run is a repair ({@link KeyedBridgeSource#isRepairDue}). */
    boolean isRepairDue()
    {
        return source.isRepairDue();
    }

    /** @return true while a run is going: the bridge takes nothing from its bus. */
    boolean isRunning()
    {
        return running;
    }

    /**
     * Sends the run's next messages until it ends or the publication refuses one.
     *
     * @return the messages sent.
     */
    int proceed()
    {
        if (!running)
        {
            return 0;
        }
        final KeyShadow shadow = source.shadow();
        int sent = 0;
        while (index < shadow.size()) // the shadow does not change while the run goes: its size is the run's
        {
            final int count = Math.min(outbox.maxPage(), shadow.size() - index);
            final long result = outbox.offerPage(flags, sequence, index, shadow, slot, count);
            if (result <= 0)
            {
                return refused(result, sent);
            }
            slot = outbox.pageEnd(); // the next page starts after this one's last key
            index += count;
            sent++;
        }
        final long result = outbox.offer(WireFormat.KEYED_SNAPSHOT_END, flags, sequence, timestamp, 0, 0,
            WireFields.runEnd(index, source.retiresOn()), 0);
        if (result <= 0)
        {
            return refused(result, sent);
        }
        running = false;
        if (flags != 0)
        {
            source.repairSent();
        }
        return sent + 1;
    }

    private int refused(final long result, final int sent)
    {
        if (result == Publication.NOT_CONNECTED || result == Publication.CLOSED ||
            result == Publication.MAX_POSITION_EXCEEDED)
        {
            running = false; // ends unfinished; the transition sender reports a closed publication
        }
        return sent;
    }
}
