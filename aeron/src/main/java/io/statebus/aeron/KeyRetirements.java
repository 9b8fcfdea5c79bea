package io.statebus.aeron;

/**
 * A keyed bridge's fallback for retirements it missed: {@link KeyedBridgeSource} sends each key the source retired
 * with {@code KeyedStateBus.retire(key)} in its place, read from the bus's log of them; a bridge the log lapped (more
 * than its size unread) missed some, and its copy may still hold them. Once it has (before, a pass does nothing:
 * when idle, and before each snapshot run) this reconciles the {@link KeyShadow} with the source's
 * key table: a key the copy holds in a known state (so its latest transition, at or before the bridge's position,
 * was taken) that is no longer open at the source was retired that way. Each such key is sent as a
 * {@link WireFormat#KEYED_RETIRE} (its key, the sequence it is known at, the bridge's position) and leaves the copy
 * once the publication took the message, so that a live mirror retires it and the next snapshot run does not hold it.
 *
 * <p>Only while the bridge has taken and sent everything its bus published (nothing staged, no run going, its
 * position the bus's latest sequence), so the message follows every transition before it on the stream. A key
 * leaves the source's table without a transition only by {@code retire(key)}, or after its final-state transition
 * is published (the cursor first): if the bus's latest sequence is the same before and after the pass, every key
 * found gone in it was retired explicitly; if it moved, the pass is dropped (what was already sent stays true: each
 * was checked against an unmoved cursor before it) and a later one tries again. A refused message stops the pass; the
 * key stays and is tried again. Reads one entry per key, allocates nothing. Duty-cycle thread only.
 */
final class KeyRetirements
{
    private final BridgeOutbox outbox;
    private final BridgeStaging staging;
    private final KeyedBridgeSource<?> source;
    private int cursor; // the next slot of the copy a partial pass looks at
    private boolean refused; // the last pass stopped at a retirement the publication refused
    private long retired;

    KeyRetirements(final BridgeOutbox outbox, final BridgeStaging staging, final KeyedBridgeSource<?> source)
    {
        this.outbox = outbox;
        this.staging = staging;
        this.source = source;
    }

    /**
     * Looks at up to {@code slots} slots of the copy, going on from where the last partial pass stopped.
     *
     * @return the retirements sent.
     */
    int sweep(final int slots)
    {
        final KeyShadow shadow = source.shadow();
        final int end = (int)Math.min((long)cursor + slots, shadow.slots());
        final int sent = pass(cursor, end);
        cursor = end >= shadow.slots() ? 0 : end;
        return sent;
    }

    /**
     * Looks at the whole copy: before a snapshot run, so the run holds no key found retired explicitly at the run's
     * sequence (a key found gone after the bus moved on stays, and its retirement follows the run).
     *
     * @return false if the publication refused a retirement (back-pressured, not connected): that key is still in the
     *     copy, so no run may start now.
     */
    boolean sweepAll()
    {
        pass(0, source.shadow().slots());
        return !refused;
    }

    /** @return the retirements sent from slots {@code from .. to - 1}; none unless the bridge missed some. */
    private int pass(final int from, final int to)
    {
        refused = false;
        if (!source.missedRetirements())
        {
            return 0; // each retirement was sent in its place from the bus's log: the copy holds none
        }
        final long position = source.position();
        if (!staging.isEmpty() || source.bus().latestSequence() != position)
        {
            return 0;
        }
        final KeyShadow shadow = source.shadow();
        int sent = 0;
        int slot = from;
        while (slot < to)
        {
            if (!shadow.isUsed(slot) || shadow.stateAt(slot) < 0 || shadow.sequenceAt(slot) > position ||
                source.isOpenAtSource(shadow.keyAt(slot)))
            {
                slot++;
                continue;
            }
            if (source.bus().latestSequence() != position) // the bus moved: the key may have left by a final transition
            {
                return sent;
            }
            final int state = shadow.stateAt(slot);
            final long result = outbox.offer(WireFormat.KEYED_RETIRE, (short)0, shadow.sequenceAt(slot), position,
                state, state, shadow.keyAt(slot), 0);
            if (result <= 0)
            {
                refused = true;
                return sent; // back-pressured, or no mirror connected: the key stays, a later pass sends it
            }
            shadow.removeAt(slot); // a later key may move back into this slot: look at it again
            retired++;
            sent++;
        }
        return sent;
    }

    /** @return the retirements sent. */
    long retired()
    {
        return retired;
    }
}
