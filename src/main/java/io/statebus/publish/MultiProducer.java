package io.statebus.publish;

import com.lmax.disruptor.InsufficientCapacityException;
import io.statebus.ring.OwnerWrites;
import io.statebus.ring.StateIds;
import io.statebus.ring.LatestTransition;
import io.statebus.ring.TransitionRing;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.Objects;

/**
 * Any thread may publish: producers are serialised by a {@link ProducerLock} on the ring's single-producer
 * sequencer, which makes {@code compareAndSet} linearizable and the ring's order the order in which the state
 * changed.
 *
 * @param <S> the state type
 */
public final class MultiProducer<S> extends Producer<S>
{
    private final ProducerLock lock = new ProducerLock();
    /**
     * A bus of states' current state: written only by the lock's holder after it publishes, read only by the
     * next holder, whose lock acquire sees it (the unlock is a release). One load instead of the cursor and the
     * slot's word, which a locked CAS makes the processor wait for one after the other.
     */
    private int lastToId;

    /**
     * @param ring  the ring.
     * @param ids   the states.
     * @param rules what may be published.
     * @param clock stamps each transition.
     * @param idle  how a producer waits for a free slot.
     */
    public MultiProducer(
        final TransitionRing ring,
        final StateIds<S> ids,
        final TransitionRules rules,
        final NanoClock clock,
        final IdleStrategy idle)
    {
        super(ring, ids, rules, clock, idle);
        this.lastToId = LatestTransition.stateId(ring);
    }

    @Override
    public long publish(final int expectedId, final int toId, final long deadline)
    {
        if (expectedId >= 0 && LatestTransition.stateId(ring) != expectedId && !isClosed())
        {
            // a compare that fails against the current state answers without the lock, linearized at that read,
            // so a retry loop does not starve the producer it lost to
            return PublishResult.CAS_FAILED;
        }
        final long locked = lock(deadline);
        if (locked != 0)
        {
            return locked;
        }
        final long result;
        try
        {
            result = publishLocked(expectedId, toId, deadline);
        }
        finally
        {
            lock.unlock();
        }
        return told(result);
    }

    /**
     * The lock held: the common case (allowed, unstamped, a free slot, nothing moved a gate back) claims and writes
     * here, from the state the last holder left; anything else takes the full path, {@link #publishHeld}.
     */
    private long publishLocked(final int expectedId, final int toId, final long deadline)
    {
        final int fromId = lastToId;
        if (!stamped && !isClosed() && rules.verdict(fromId, expectedId, toId) == PublishResult.ALLOWED &&
            backPressure.mayTrustCache())
        {
            try
            {
                final long sequence = sequencer.tryNext();
                OwnerWrites.publishUnstamped(sequencer, slots, sequence, fromId, toId);
                lastToId = toId;
                return sequence;
            }
            catch (final InsufficientCapacityException ex)
            {
                // a BLOCK subscription is a whole ring behind: the full path waits for it
            }
        }
        final long result = publishHeld(expectedId, toId, deadline);
        if (result > 0)
        {
            lastToId = toId;
        }
        return result;
    }

    @Override
    public long publishValue(final boolean compare, final long expected, final long next, final long deadline)
    {
        if (compare && LatestTransition.value(ring) != expected && !isClosed())
        {
            return PublishResult.CAS_FAILED; // as in publish: linearized at that read, without the lock
        }
        final long locked = lock(deadline);
        if (locked != 0)
        {
            return locked;
        }
        final long result;
        try
        {
            result = publishValueHeld(compare, expected, next, deadline);
        }
        finally
        {
            lock.unlock();
        }
        return told(result);
    }

    @Override
    public long publishReference(final boolean compare, final Object expected, final Object next, final long deadline)
    {
        if (compare && !Objects.equals(LatestTransition.reference(ring), expected) && !isClosed())
        {
            return PublishResult.CAS_FAILED; // as in publish: linearized at that read, without the lock
        }
        final long locked = lock(deadline);
        if (locked != 0)
        {
            return locked;
        }
        final long result;
        try
        {
            result = publishReferenceHeld(compare, expected, next, deadline);
        }
        finally
        {
            lock.unlock();
        }
        return told(result);
    }

    @Override
    public long runHeld(
        final HeldOperation operation, final int op, final long key, final int a, final int b, final long deadline)
    {
        final long locked = lock(deadline);
        if (locked != 0)
        {
            return locked;
        }
        final long result;
        try
        {
            result = operation.run(op, key, a, b, deadline);
        }
        finally
        {
            lock.unlock();
        }
        return told(result);
    }

    /** @return 0 once the lock is held, else {@link PublishResult#TIMED_OUT} or {@link PublishResult#INTERRUPTED}. */
    private long lock(final long deadline)
    {
        if (deadline == PublishResult.NO_DEADLINE)
        {
            lock.lock();
            return 0;
        }
        try
        {
            return lock.tryLock(deadline) ? 0 : PublishResult.TIMED_OUT;
        }
        catch (final InterruptedException ex)
        {
            return PublishResult.INTERRUPTED;
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
        // a publish that read closed == false holds the lock: wait it out, so nothing is published after close()
        // returns. Not when this thread holds it (a clock or idle strategy closing from inside its own publish):
        // that publish re-reads closed before it claims.
        if (!lock.isHeldByCurrentThread())
        {
            lock.lock();
            lock.unlock();
        }
    }
}
