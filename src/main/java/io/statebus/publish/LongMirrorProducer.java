package io.statebus.publish;

import io.statebus.ring.LatestTransition;
import io.statebus.ring.LostMarks;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.concurrent.IdleStrategy;

/**
 * A {@link MirrorProducer} for a bus of {@code long} values ({@code LongMirror}): a transition is two longs beside
 * the slot's word. Owner-thread only, but for what {@link MirrorProducer} lets any thread read.
 */
public final class LongMirrorProducer extends MirrorProducer<Long>
{
    private long stagedFrom;
    private long stagedTo;
    /** The latest value appended (or the start's): read here, as a refresh may mark the cursor's slot lost. */
    private long current;

    /**
     * @param ring a value ring, stamped, started at the source's sequence.
     * @param ids  the value bus's one placeholder state.
     * @param idle how the appending thread waits for free slots.
     */
    public LongMirrorProducer(final TransitionRing ring, final StateIds<Long> ids, final IdleStrategy idle)
    {
        super(ring, ids, idle, StateMirrorProducer.SEQUENCE_LIMIT); // as a state mirror's
        this.current = LatestTransition.value(ring);
    }

    /**
     * Appends the source's transition at {@code sequence} (see {@link MirrorProducer#appendStaged}).
     *
     * @param sequence  the source's sequence, after the latest appended.
     * @param from      the value before, the current one when nothing was lost.
     * @param to        the value after.
     * @param timestamp the source's timestamp.
     * @param deadline  a deadline, {@link PublishResult#NO_DEADLINE} or {@link PublishResult#NO_WAIT}.
     * @return {@code sequence}, or {@link PublishResult#TIMED_OUT} / {@link PublishResult#INTERRUPTED}.
     */
    public long append(final long sequence, final long from, final long to, final long timestamp, final long deadline)
    {
        final boolean first = owner.own(); // first: the fields below are the owner's, so it owns before it stages
        stagedFrom = from;
        stagedTo = to;
        return appendStaged(first, sequence, timestamp, deadline);
    }

    @Override
    void checkStaged(final long sequence, final boolean follows)
    {
        if (follows)
        {
            if (stagedFrom != current)
            {
                throw new IllegalArgumentException("chain broken at " + sequence + ": from " + stagedFrom +
                    " but the mirror's value is " + current);
            }
        }
    }

    @Override
    void writeStaged(final long sequence, final long timestamp)
    {
        ring.publishWithLongs(sequence, 0, 0, stagedFrom, stagedTo, timestamp);
        current = stagedTo;
    }

    @Override
    void markLostUpTo(final long lastLostSequence, final boolean beforeStaged)
    {
        LostMarks.publishUpTo(ring, lastLostSequence, 0, beforeStaged ? stagedFrom : current);
    }

    @Override
    int stagedToId()
    {
        return VALUE;
    }
}
