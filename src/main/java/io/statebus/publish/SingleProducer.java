package io.statebus.publish;

import io.statebus.ring.StateIds;
import io.statebus.ring.LatestTransition;
import io.statebus.ring.TransitionRing;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

/**
 * One producer thread, no lock: the first thread whose call would publish owns the bus for good.
 *
 * <p>After its first publish the owner takes a fast path ({@link OwnerFastPaths}) while
 * its gate is open ({@link OwnerGate}); everything else takes the full path, which the owner holds without a lock.
 *
 * @param <S> the state type
 */
public final class SingleProducer<S> extends OwnerFastPaths<S>
{
    /**
     * @param ring  the ring.
     * @param ids   the states.
     * @param rules what may be published.
     * @param clock stamps each transition.
     * @param idle  how the producer waits for a free slot.
     */
    public SingleProducer(
        final TransitionRing ring,
        final StateIds<S> ids,
        final TransitionRules rules,
        final NanoClock clock,
        final IdleStrategy idle)
    {
        super(ring, ids, rules, clock, idle);
    }

    @Override
    public long publish(final int expectedId, final int toId, final long deadline)
    {
        final Thread current = Thread.currentThread();
        if (isFastFor(current))
        {
            final long fast = publishFast(expectedId, toId);
            if (fast != PublishResult.FAST_MISS)
            {
                return toldIfShut(current, fast);
            }
        }
        final long verdict = ownUnlessRefused(current, expectedId, toId);
        if (verdict != PublishResult.ALLOWED)
        {
            return verdict; // refused before owning: the gate stays as it was
        }
        final long result = publishHeld(expectedId, toId, deadline);
        if (result > 0)
        {
            lastToId = toId;
        }
        else
        {
            lastToId = LatestTransition.stateId(ring); // unchanged or a failed compare: the ring holds the owner's last
        }
        openFastPath(current);
        return told(result);
    }

    /**
     * A value bus: the same owner rule and fast path as {@link #publish}, on the slot's longs. The gate is shared:
     * a value bus never calls {@link #publish}, a state bus never calls this.
     */
    @Override
    public long publishValue(final boolean compare, final long expected, final long next, final long deadline)
    {
        final Thread current = Thread.currentThread();
        if (isFastFor(current))
        {
            final long fast = publishValueFast(compare, expected, next);
            if (fast != PublishResult.FAST_MISS)
            {
                return toldIfShut(current, fast);
            }
        }
        if (owner != current) // plain: the owner sees its own write; any other thread goes on to the CAS
        {
            final Thread existing = owner;
            if (existing == null && !isClosed())
            {
                // read as get() reads it, linearized there: a call that would change nothing does not own the bus
                final long verdict = rules.valueVerdict(LatestTransition.value(ring), compare, expected, next);
                if (verdict != PublishResult.ALLOWED)
                {
                    return verdict;
                }
            }
            own(current, existing);
        }
        final long result = publishValueHeld(compare, expected, next, deadline);
        // the ring holds the owner's last value either way: its own publish, or what it found unchanged
        lastValue = result > 0 ? next : LatestTransition.value(ring);
        openFastPath(current);
        return told(result);
    }

    /**
     * Makes {@code current} the owner, or fails as another thread owns it. A call that would change nothing is
     * answered before it claims the bus, so it does not make its thread the owner.
     */
    private long ownUnlessRefused(final Thread current, final int expectedId, final int toId)
    {
        final Thread existing = owner;
        if (existing == current)
        {
            return PublishResult.ALLOWED;
        }
        if (existing == null && !isClosed()) // closed: publishHeld gives the closed error, whoever calls
        {
            // the published state, read as get() reads it: another thread may own the bus by now, mid-publish
            final long verdict = rules.verdict(LatestTransition.stateId(ring), expectedId, toId);
            if (verdict != PublishResult.ALLOWED)
            {
                return verdict; // linearized at that read, as a get() would be
            }
        }
        own(current, existing);
        return PublishResult.ALLOWED;
    }

    /**
     * Makes {@code current} the owner if none is (unless the operation refuses the call first), or fails as another
     * thread owns the bus.
     */
    @Override
    public long runHeld(
        final HeldOperation operation, final int op, final long key, final int a, final int b, final long deadline)
    {
        final Thread current = Thread.currentThread();
        if (owner != current) // plain: the owner sees its own write; any other thread goes on to the CAS
        {
            final Thread existing = owner;
            if (existing == null && !isClosed())
            {
                operation.refuseBeforeOwning(op, key); // a call refused whoever ran it does not own the bus
            }
            own(current, existing);
        }
        final long result = operation.run(op, key, a, b, deadline);
        openFastPath(current); // a keyed bus's owner changes a key's state on its fast path from now on
        return told(result);
    }

    /** A reference value bus: the owner rule and fast path of {@link #publishValue}, on the slot's references. */
    @Override
    public long publishReference(final boolean compare, final Object expected, final Object next, final long deadline)
    {
        final Thread current = Thread.currentThread();
        if (isFastFor(current))
        {
            final long fast = publishReferenceFast(compare, expected, next);
            if (fast != PublishResult.FAST_MISS)
            {
                return toldIfShut(current, fast);
            }
        }
        if (owner != current) // plain: the owner sees its own write; any other thread goes on to the CAS
        {
            final Thread existing = owner;
            if (existing == null && !isClosed())
            {
                // read as get() reads it: a call that would change nothing does not own the bus
                final long verdict = rules.referenceVerdict(LatestTransition.reference(ring), compare, expected, next);
                if (verdict != PublishResult.ALLOWED)
                {
                    return verdict;
                }
            }
            own(current, existing);
        }
        final long result = publishReferenceHeld(compare, expected, next, deadline);
        // as in publishValue: the ring holds the owner's last value, its own publish or what it found unchanged
        lastReference = result > 0 ? next : LatestTransition.reference(ring);
        openFastPath(current);
        return told(result);
    }

    /**
     * Makes {@code current} the owner, or fails as another thread owns it. A closed bus takes no owner and names
     * none: the held path, where every call goes next, checks closed first and gives the closed error, whoever calls.
     */
    private void own(final Thread current, final Thread existing)
    {
        if (existing == null && !isClosed() && OWNER.compareAndSet(this, null, current))
        {
            return;
        }
        final Thread actual = (Thread)OWNER.getVolatile(this);
        if (actual != current && !isClosed()) // null only when closed: no owner was ever taken
        {
            throw new IllegalStateException("single-producer bus: thread '" + current.getName() +
                "' may not publish, thread '" + actual.getName() + "' owns it; build with ProducerMode.MULTI " +
                "for many producers");
        }
    }
}
