package io.statebus.publish;

import io.statebus.ring.LatestTransition;
import io.statebus.ring.LostMarks;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.concurrent.IdleStrategy;

/**
 * A {@link MirrorProducer} for a bus of states ({@code Mirror}): a transition is two state ids in the slot's word.
 * Owner-thread only, but for what {@link MirrorProducer} lets any thread read.
 *
 * @param <S> the state type
 */
public final class StateMirrorProducer<S> extends MirrorProducer<S>
{
    private int stagedFromId;
    private int stagedToId;

    /**
     * @param ring the ring, stamped, started at the source's sequence.
     * @param ids  the states, the source's.
     * @param idle how the appending thread waits for free slots.
     */
    public StateMirrorProducer(final TransitionRing ring, final StateIds<S> ids, final IdleStrategy idle)
    {
        super(ring, ids, idle);
    }

    /**
     * Appends the source's transition at {@code sequence} (see {@link MirrorProducer#appendStaged}).
     *
     * @param sequence  the source's sequence, after the latest appended.
     * @param fromId    the state id before, the current one when nothing was lost.
     * @param toId      the state id after.
     * @param timestamp the source's timestamp.
     * @param deadline  a deadline, {@link PublishResult#NO_DEADLINE} or {@link PublishResult#NO_WAIT}.
     * @return {@code sequence}, or {@link PublishResult#TIMED_OUT} / {@link PublishResult#INTERRUPTED}.
     */
    public long append(final long sequence, final int fromId, final int toId, final long timestamp, final long deadline)
    {
        own();
        stagedFromId = fromId;
        stagedToId = toId;
        return appendStaged(sequence, timestamp, deadline);
    }

    @Override
    void checkStaged(final long sequence, final boolean follows)
    {
        final int currentId = LatestTransition.stateId(ring); // the owner's own latest write
        if (follows && stagedFromId != currentId)
        {
            throw new IllegalArgumentException("chain broken at " + sequence + ": from " + ids.stateOf(stagedFromId) +
                " but the mirror's state is " + ids.stateOf(currentId));
        }
    }

    @Override
    void writeStaged(final long sequence, final long timestamp)
    {
        ring.publish(sequence, stagedFromId, stagedToId, timestamp);
    }

    @Override
    void markLostUpTo(final long lastLostSequence)
    {
        LostMarks.publishUpTo(ring, lastLostSequence, LatestTransition.stateId(ring));
    }

    @Override
    int stagedToId()
    {
        return stagedToId;
    }
}
