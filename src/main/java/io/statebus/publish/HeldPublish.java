package io.statebus.publish;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.SingleProducerSequencer;
import io.statebus.StateBusClosedException;
import io.statebus.ring.LatestTransition;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

/**
 * The path every publish takes once its caller holds the right to publish (the owner thread, or the lock): the
 * closed check, the rules, the clock, the claim with back-pressure, the write. A base class of {@link Producer},
 * not a field, as {@link OwnerGate} is: the publish path reads these fields in the producer itself, with no
 * dependent load.
 *
 * @param <S> the state type
 */
abstract class HeldPublish<S>
{
    /** The {@code toId} of a value bus's publish, for the errors that name what could not be published. */
    static final int VALUE = -1;

    final TransitionRing ring;
    final StateIds<S> ids;
    final TransitionRules rules;
    final NanoClock clock;
    final BackPressure backPressure;
    /** The ring's sequencer and slots, held here: the fast paths write through them with one dependent load less
     *  per hop (see {@code OwnerWrites}); the full path goes through the ring. */
    final SingleProducerSequencer sequencer;
    final long[] slots;
    /** A copy of the ring's constant: one load instead of two. */
    final boolean stamped;
    private volatile boolean closed;
    /** The clock's reading for the slot just claimed; written and read only by the holder of the right to publish. */
    long claimedAt;
    /**
     * A single producer's fast-path count ({@code OwnerGate#mayClaimFast}): the next sequence, and the last it may
     * claim before the gates are read again. Here, not there, because every claim through the sequencer is made
     * here ({@link #claimHeld}), and each one voids the count: the fast path then reads both again from the cursor
     * and the gates (void from the start: a first full path may claim nothing). Written only by the holder of the
     * right to publish (a single producer's owner).
     */
    long nextClaim;
    long claimLimit = Long.MIN_VALUE;

    HeldPublish(
        final TransitionRing ring,
        final StateIds<S> ids,
        final TransitionRules rules,
        final NanoClock clock,
        final IdleStrategy idle)
    {
        this.ring = ring;
        this.ids = ids;
        this.rules = rules;
        this.clock = clock;
        this.backPressure = new BackPressure(ring, idle);
        this.sequencer = ring.sequencerForOwner();
        this.slots = ring.slotsForOwner();
        this.stamped = ring.isStamped();
    }

    /** The rules, the clock, the claim, the write: the caller holds the right to publish. */
    final long publishHeld(final int expectedId, final int toId, final long deadline)
    {
        if (closed)
        {
            throw closedFor(toId);
        }
        // the holder of the right to publish wrote the latest transition itself, or took the lock after its writer
        final int fromId = LatestTransition.stateId(ring);
        final long verdict = rules.verdict(fromId, expectedId, toId);
        if (verdict != PublishResult.ALLOWED)
        {
            return verdict;
        }
        final long sequence = claimHeld(deadline, toId);
        if (sequence > 0)
        {
            ring.publish(sequence, fromId, toId, claimedAt);
        }
        return sequence;
    }

    /** {@link #publishHeld} for a value bus: the caller holds the right to publish. */
    final long publishValueHeld(final boolean compare, final long expected, final long next, final long deadline)
    {
        if (closed)
        {
            throw closedFor(VALUE);
        }
        // as above: the latest transition is the holder's own or its lock predecessor's, so this read is stable
        final long from = LatestTransition.value(ring);
        final long verdict = rules.valueVerdict(from, compare, expected, next);
        if (verdict != PublishResult.ALLOWED)
        {
            return verdict;
        }
        final long sequence = claimHeld(deadline, VALUE);
        if (sequence > 0)
        {
            ring.publishWithLongs(sequence, 0, 0, from, next, claimedAt);
        }
        return sequence;
    }

    /** {@link #publishHeld} for a reference value bus: the caller holds the right to publish. */
    final long publishReferenceHeld(final boolean compare, final Object expected, final Object next, final long deadline)
    {
        if (closed)
        {
            throw closedFor(VALUE);
        }
        // as in publishValueHeld: the latest transition is the holder's own or its lock predecessor's
        final Object from = LatestTransition.reference(ring);
        final long verdict = rules.referenceVerdict(from, compare, expected, next); // user code: before the claim
        if (verdict != PublishResult.ALLOWED)
        {
            return verdict;
        }
        final long sequence = claimHeld(deadline, VALUE);
        if (sequence > 0)
        {
            ring.publishWithReferences(sequence, from, next, claimedAt);
        }
        return sequence;
    }

    /**
     * The clock, then a claim, waiting while a {@code BLOCK} subscription is a ring behind; leaves the clock's
     * reading in {@link #claimedAt}.
     *
     * @return the claimed sequence, or {@link PublishResult#TIMED_OUT} or {@link PublishResult#INTERRUPTED}.
     */
    final long claimHeld(final long deadline, final int toId)
    {
        // the clock is user code: read it before the claim, so that one that throws leaves nothing claimed
        long now = stamped ? clock.nanoTime() : 0;
        while (true)
        {
            backPressure.seeJoins(); // before the decision below: see BackPressure#seeJoins
            if (stamped && closed)
            {
                throw closedFor(toId); // the clock may have closed the bus: claim nothing after close() returned
            }
            if (backPressure.mayTrustCache() || ring.hasCapacity(true))
            {
                try
                {
                    final long sequence = ring.claim();
                    claimedAt = now;
                    claimLimit = Long.MIN_VALUE; // the fast path's count is behind the sequencer's now
                    return sequence;
                }
                catch (final InsufficientCapacityException ex)
                {
                    // a BLOCK subscription is a whole ring behind: wait for it below
                }
            }
            final long waited = backPressure.awaitCapacity(deadline, this, toId);
            if (waited != 0)
            {
                return waited;
            }
            now = stamped ? clock.nanoTime() : 0; // stamped when it can publish, not when it began
        }
    }

    final void markClosed()
    {
        closed = true;
    }

    /**
     * @return whether {@code close()} was called.
     */
    public final boolean isClosed()
    {
        return closed;
    }

    final StateBusClosedException closedFor(final int toId)
    {
        return new StateBusClosedException("bus is closed: cannot publish " + describe(toId));
    }

    final StateBusClosedException closedWhileWaiting(final int toId)
    {
        return new StateBusClosedException("bus closed while waiting to publish " + describe(toId));
    }

    private Object describe(final int toId)
    {
        return toId == VALUE ? "a new value" : ids.stateOf(toId);
    }
}
