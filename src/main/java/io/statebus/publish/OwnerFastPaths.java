package io.statebus.publish;

import com.lmax.disruptor.InsufficientCapacityException;
import io.statebus.ring.OwnerWrites;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.Objects;

/**
 * The single producer's fast paths, one per kind of bus, taken by the owner while its gate is open
 * ({@link OwnerGate}): each decides only what it can without waiting or throwing, from the owner's own last
 * published state or value (the owner is the ring's only writer, so that is the ring's current one), and claims
 * inline. Anything else (unchanged, forbidden, ring full, closed by the clock) is a {@link PublishResult#FAST_MISS}
 * with nothing claimed: {@link SingleProducer}'s full path decides. A base class, not a field, as {@link OwnerGate}
 * is: the fast paths read every field in this object, with no dependent load.
 *
 * @param <S> the state type
 */
abstract class OwnerFastPaths<S> extends OwnerGate<S>
{
    /** The state the owner last published (or found current); owner-only, read on the fast path it opened itself. */
    int lastToId;
    /** The same for a long bus: the value the owner last published (or found current). */
    long lastValue;
    /** The same for a reference value bus. */
    Object lastReference;
    /** Fast-path copies of the rules' and ring's constants: one load each instead of two (see also HeldPublish). */
    private final boolean[] allowed;
    private final int states;
    private final Object[] references;

    OwnerFastPaths(
        final TransitionRing ring,
        final StateIds<S> ids,
        final TransitionRules rules,
        final NanoClock clock,
        final IdleStrategy idle)
    {
        super(ring, ids, rules, clock, idle);
        this.allowed = rules.table();
        this.states = ids.size();
        this.references = ring.referencesForOwner();
    }

    /**
     * A bus of states.
     *
     * @return the published sequence, {@link PublishResult#CAS_FAILED}, or {@link PublishResult#FAST_MISS}.
     */
    final long publishFast(final int expectedId, final int toId)
    {
        final int fromId = lastToId;
        if (expectedId >= 0 && fromId != expectedId)
        {
            return PublishResult.CAS_FAILED;
        }
        final boolean[] allowed = this.allowed;
        if (fromId == toId || (allowed != null && !allowed[fromId * states + toId]))
        {
            return PublishResult.FAST_MISS; // unchanged or forbidden: the full path decides
        }
        // the clock inline, not OwnerGate.claimFast: measured, sharing that call cost this path about 1 ns
        long now = 0;
        if (stamped)
        {
            now = clock.nanoTime(); // before the claim, as on the full path
            if (isClosed())
            {
                return PublishResult.FAST_MISS;
            }
        }
        // the sequencer's claim kept: a bus of states measured no faster with mayClaimFast (perf/FINDINGS.md §16)
        final long sequence;
        try
        {
            sequence = sequencer.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return PublishResult.FAST_MISS; // the full path waits (and reads the clock again when it can publish)
        }
        if (stamped)
        {
            ring.publish(sequence, fromId, toId, now);
        }
        else
        {
            OwnerWrites.publishUnstamped(sequencer, slots, sequence, fromId, toId);
        }
        lastToId = toId;
        return sequence;
    }

    /** A long bus: as {@link #publishFast}, on the slot's longs. */
    final long publishValueFast(final boolean compare, final long expected, final long next)
    {
        final long from = lastValue;
        if (compare && from != expected)
        {
            return PublishResult.CAS_FAILED;
        }
        if (from == next)
        {
            return PublishResult.FAST_MISS; // unchanged: the full path decides (publishUnchanged)
        }
        if (!mayClaimFast())
        {
            return PublishResult.FAST_MISS; // the ring is full: the full path waits; before the clock, which it reads
        }
        long now = 0; // the clock inline, as in publishFast
        if (stamped)
        {
            now = clock.nanoTime();
            if (isClosed())
            {
                return PublishResult.FAST_MISS;
            }
        }
        final long sequence = claimNext();
        if (stamped)
        {
            ring.publishWithLongs(sequence, 0, 0, from, next, now);
        }
        else
        {
            OwnerWrites.publishValuesUnstamped(sequencer, slots, sequence, from, next);
        }
        lastValue = next;
        return sequence;
    }

    /**
     * A reference value bus: as {@link #publishFast}, on the slot's references, compared by {@code equals} as the
     * full path compares them (user code: one that throws leaves nothing claimed).
     */
    final long publishReferenceFast(final boolean compare, final Object expected, final Object next)
    {
        final Object from = lastReference;
        if (compare && !Objects.equals(from, expected))
        {
            return PublishResult.CAS_FAILED;
        }
        if (Objects.equals(from, next))
        {
            return PublishResult.FAST_MISS; // unchanged: the full path decides (publishUnchanged)
        }
        if (!mayClaimFast())
        {
            return PublishResult.FAST_MISS; // the ring is full: the full path waits; before the clock, which it reads
        }
        long now = 0; // the clock inline, as in publishFast
        if (stamped)
        {
            now = clock.nanoTime();
            if (isClosed())
            {
                return PublishResult.FAST_MISS;
            }
        }
        final long sequence = claimNext();
        if (stamped)
        {
            ring.publishWithReferences(sequence, from, next, now);
        }
        else
        {
            OwnerWrites.publishReferencesUnstamped(sequencer, slots, references, sequence, from, next);
        }
        lastReference = next;
        return sequence;
    }
}
