package io.statebus.publish;

import com.lmax.disruptor.InsufficientCapacityException;
import io.statebus.MirrorRun;
import io.statebus.ring.LatestTransition;
import io.statebus.ring.LostMarks;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.concurrent.IdleStrategy;

import java.util.Objects;

/**
 * A {@link MirrorProducer} for a bus of states ({@code Mirror}): a transition is two state ids in the slot's word.
 * Owner-thread only, but for what {@link MirrorProducer} lets any thread read.
 *
 * @param <S> the state type
 */
public final class StateMirrorProducer<S> extends MirrorProducer<S>
{
    /**
     * The first sequence a mirror of a state or value bus cannot take: 2^62. A reader adds a batch's length to a
     * sequence (up to 2^31), and the Disruptor a ring's: far below {@code Long.MAX_VALUE}, none may overflow.
     */
    public static final long SEQUENCE_LIMIT = 1L << 62;

    private int stagedFromId;
    private int stagedToId;

    /**
     * @param ring the ring, stamped, started at the source's sequence.
     * @param ids  the states, the source's.
     * @param idle how the appending thread waits for free slots.
     */
    public StateMirrorProducer(final TransitionRing ring, final StateIds<S> ids, final IdleStrategy idle)
    {
        super(ring, ids, idle, SEQUENCE_LIMIT);
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
        final boolean first = owner.own(); // first: the fields below are the owner's, so it owns before it stages
        stagedFromId = fromId;
        stagedToId = toId;
        return appendStaged(first, sequence, timestamp, deadline);
    }

    /**
     * Appends the transitions of {@code run} from {@code first} that follow the latest directly (see
     * {@code Mirror.tryAppendRun}), in one pass: each checked, claimed without waiting, written and published; the
     * listeners told once. One attempt, no wait.
     *
     * @param run   the transitions, read by index.
     * @param first the index of the first to append.
     * @param count how many from {@code first} are offered.
     * @return how many were appended: 0 if none follows directly or the ring has no room.
     * @throws NullPointerException     if {@code run} is null.
     * @throws IllegalArgumentException if {@code count} is negative.
     * @throws RuntimeException what the run throws: those appended before it stay, told to the listeners.
     */
    public int appendRun(final MirrorRun<S> run, final int first, final int count)
    {
        Objects.requireNonNull(run, "run must not be null");
        if (count < 0)
        {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        owner.checkMayOwn(); // owned once checked: a refused first call takes no owner
        if (isClosed())
        {
            throw closedFor(VALUE);
        }
        owner.own();
        final long latest = ring.cursor(); // the owner wrote it: no other thread moves it
        if (ring.isLost(latest) || !backPressure.mayTrustCache())
        {
            return 0; // no chain to follow, or a gate moved back: the one-by-one append decides
        }
        int fromId = LatestTransition.stateId(ring); // the owner's own latest write
        final int states = ids.size();
        int appended = 0;
        try
        {
            for (; appended < count; appended++)
            {
                // every read of the run before the claim: a run that throws leaves no slot claimed, unpublished
                final int i = first + appended;
                final int toId = run.toIndex(i);
                final long timestamp = run.timestampNanos(i);
                if (run.sequence(i) != latest + 1 + appended || run.fromIndex(i) != fromId || toId < 0 ||
                    toId >= states || !claimedNext())
                {
                    break; // the one-by-one append decides it: a jump, a repeat, a broken chain, no state, no room
                }
                ring.publish(latest + 1 + appended, fromId, toId, timestamp); // readers may take it now
                fromId = toId;
            }
        }
        finally
        {
            if (appended > 0)
            {
                told(latest + appended); // once for the run, also one that threw: a listener reads from where it was
            }
        }
        return appended;
    }

    /** @return whether the next sequence was claimed: false, claiming nothing, while a BLOCK subscription is behind. */
    private boolean claimedNext()
    {
        try
        {
            ring.claim(); // the owner's claims are published at once: this one is the latest + 1
            return true;
        }
        catch (final InsufficientCapacityException ex)
        {
            return false;
        }
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
    void markLostUpTo(final long lastLostSequence, final boolean beforeStaged)
    {
        LostMarks.publishUpTo(ring, lastLostSequence, beforeStaged ? stagedFromId : LatestTransition.stateId(ring));
    }

    @Override
    int stagedToId()
    {
        return stagedToId;
    }
}
