package io.statebus.publish;

import com.lmax.disruptor.InsufficientCapacityException;
import io.statebus.ring.StateIds;
import io.statebus.ring.LatestTransition;
import io.statebus.ring.TransitionRing;
import org.agrona.concurrent.IdleStrategy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The producer of a mirror's bus: it appends another bus's transitions at that bus's sequences, with that bus's
 * timestamps, and records the sequences it never received as lost. {@code set}, {@code trySet} and
 * {@code compareAndSet} are refused: the state belongs to the source. One appending thread: the first one owns
 * the mirror, as a single-producer bus's first publisher owns it.
 *
 * @param <S> the state type
 */
public final class MirrorProducer<S> extends Producer<S>
{
    private static final VarHandle OWNER;
    private static final VarHandle LOST;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            OWNER = lookup.findVarHandle(MirrorProducer.class, "owner", Thread.class);
            LOST = lookup.findVarHandle(MirrorProducer.class, "lost", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Set once by CAS; read plainly by the owner, which sees its own write. */
    private Thread owner;
    /** Owner-written with release stores, read by anyone with acquire. */
    @SuppressWarnings("unused")
    private long lost;

    /**
     * @param ring the ring, stamped, started at the source's sequence.
     * @param ids  the states, the source's.
     * @param idle how the appending thread waits for free slots.
     */
    public MirrorProducer(final TransitionRing ring, final StateIds<S> ids, final IdleStrategy idle)
    {
        super(ring, ids, new TransitionRules(ids, null, true), () -> 0, idle);
    }

    @Override
    public long publishValue(final boolean compare, final long expected, final long next, final long deadline)
    {
        throw new IllegalStateException("this bus mirrors another bus: it takes its source's transitions only");
    }

    @Override
    public long publishReference(final boolean compare, final Object expected, final Object next, final long deadline)
    {
        return publishValue(compare, 0, 0, deadline); // refused, as every local change of a mirror is
    }

    @Override
    public long publish(final int expectedId, final int toId, final long deadline)
    {
        throw new IllegalStateException("this bus mirrors another bus: its state changes only through its " +
            "Mirror's append, with the source's transitions");
    }

    @Override
    public long runHeld(
        final HeldOperation operation, final int op, final long key, final int a, final int b, final long deadline)
    {
        return publish(a, b, deadline); // refused, as every local change of a mirror is
    }

    /**
     * Appends the source's transition at {@code sequence}; the sequences between the latest and it are lost.
     *
     * @param sequence  the source's sequence, after the latest appended.
     * @param fromId    the state id before, the current one when nothing was lost.
     * @param toId      the state id after.
     * @param timestamp the source's timestamp.
     * @param deadline  a {@code System.nanoTime()} deadline, {@link PublishResult#NO_DEADLINE}, or
     *                  {@link PublishResult#NO_WAIT} (one attempt, no clock read).
     * @return {@code sequence}, or {@link PublishResult#TIMED_OUT} / {@link PublishResult#INTERRUPTED} with
     *     nothing appended (lost sequences a ring past the latest may have been recorded already).
     * @throws IllegalArgumentException if {@code sequence} is not after the latest, or the chain would break.
     * @throws IllegalStateException    if another thread appends to this mirror.
     * @throws io.statebus.StateBusClosedException if the bus is closed.
     */
    public long append(final long sequence, final int fromId, final int toId, final long timestamp, final long deadline)
    {
        own();
        if (isClosed())
        {
            throw closedFor(toId);
        }
        final long latest = ring.cursor(); // the owner wrote it: no other thread moves it
        final int currentId = checkedAppend(sequence, latest, fromId);
        long claimFrom = latest;
        if (sequence - latest > ring.capacity())
        {
            final long skipped = skipMoreThanARing(sequence, latest, currentId, toId, deadline);
            if (skipped < 0)
            {
                return skipped;
            }
            claimFrom = skipped;
        }
        final int slots = (int)(sequence - claimFrom);
        final long claimed = claim(slots, toId, deadline);
        if (claimed != 0)
        {
            return claimed;
        }
        ring.publish(sequence, fromId, toId, timestamp);
        addLost(slots - 1);
        return told(sequence);
    }

    /**
     * @return the mirror's current state id, after checking that {@code sequence} may follow {@code latest}.
     * @throws IllegalArgumentException if it is not after the latest, or the chain would break.
     */
    private int checkedAppend(final long sequence, final long latest, final int fromId)
    {
        if (sequence <= latest)
        {
            throw new IllegalArgumentException("sequence " + sequence + " is not after the latest, " + latest +
                ": a mirror appends each of its source's transitions once, in order");
        }
        final int currentId = LatestTransition.stateId(ring);
        // after more than a ring lost (an append that then timed out) the latest is a lost sequence: no chain
        if (sequence == latest + 1 && fromId != currentId && !ring.isLost(latest))
        {
            throw new IllegalArgumentException("chain broken at " + sequence + ": from " + ids.stateOf(fromId) +
                " but the mirror's state is " + ids.stateOf(currentId));
        }
        return currentId;
    }

    /**
     * More than a ring lost: waits until every gate has consumed everything, then skips it with one write.
     *
     * @return the last lost sequence, now published as lost; or a negative {@link PublishResult} code.
     */
    private long skipMoreThanARing(
        final long sequence, final long latest, final int currentId, final int toId, final long deadline)
    {
        if (deadline == PublishResult.NO_WAIT && !ring.hasCapacity(ring.capacity()))
        {
            return PublishResult.TIMED_OUT;
        }
        final long waited = deadline == PublishResult.NO_WAIT ? 0 :
            backPressure.awaitCapacity(deadline, this, toId, ring.capacity());
        if (waited != 0)
        {
            return waited;
        }
        ring.publishLostUpTo(sequence - 1, currentId);
        addLost(sequence - 1 - latest);
        told(sequence - 1);
        return sequence - 1;
    }

    /**
     * Claims {@code slots} at once (lost ones and the transition after them), waiting while a BLOCK subscription
     * is behind.
     *
     * @return 0 once claimed, else {@link PublishResult#TIMED_OUT} or {@link PublishResult#INTERRUPTED}.
     */
    private long claim(final int slots, final int toId, final long deadline)
    {
        while (true)
        {
            // the sequencer's cached gate may be trusted unless a replaying join moved a gate back
            if (backPressure.mayTrustCache() || ring.hasCapacity(slots))
            {
                try
                {
                    ring.claim(slots); // the lost slots keep their older words: readers skip them
                    return 0;
                }
                catch (final InsufficientCapacityException ex)
                {
                    // a BLOCK subscription is behind: wait below
                }
            }
            if (deadline == PublishResult.NO_WAIT)
            {
                return PublishResult.TIMED_OUT; // one attempt, no clock: the caller offers it again later
            }
            final long waited = backPressure.awaitCapacity(deadline, this, toId, slots);
            if (waited != 0)
            {
                return waited;
            }
        }
    }

    private void addLost(final long count)
    {
        if (count > 0)
        {
            LOST.setRelease(this, (long)LOST.get(this) + count);
        }
    }

    /**
     * @return how many of the source's sequences this mirror never received.
     */
    public long lost()
    {
        return (long)LOST.getAcquire(this);
    }

    private void own()
    {
        final Thread current = Thread.currentThread();
        if (owner == current)
        {
            return;
        }
        if (!OWNER.compareAndSet(this, null, current))
        {
            final Thread actual = (Thread)OWNER.getVolatile(this);
            if (actual != current)
            {
                throw new IllegalStateException("mirror: thread '" + current.getName() + "' may not append, " +
                    "thread '" + actual.getName() + "' appends to it");
            }
        }
    }

    @Override
    public void close()
    {
        markClosed();
    }

    @Override
    public void awaitPublishInProgress()
    {
        // no lock to wait on: an append concurrent with close() may publish once more, as on a single-producer bus
    }

    @Override
    public boolean hasOneProducer()
    {
        return true;
    }

    @Override
    public boolean isOnlyProducer(final Thread thread)
    {
        return OWNER.getVolatile(this) == thread;
    }
}
