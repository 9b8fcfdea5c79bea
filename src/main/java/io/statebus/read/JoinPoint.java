package io.statebus.read;

import io.statebus.ring.LatestTransition;
import io.statebus.ring.SlotWord;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;

/**
 * Where a reader joins: the sequence before its first transition and the state at it (an id, a long or a
 * reference, by the kind of bus), and the latest sequence when it joined (a replay reads validated up to there).
 * Read whole from the ring: the latest transition, or a replay's first slot, copied and checked unchanged after.
 */
final class JoinPoint
{
    final long sequence;
    final int stateId;
    /** A long bus's state (unused otherwise). */
    final long value;
    /** A value bus's state (unused otherwise). */
    final Object reference;
    /** The latest published sequence when the reader joined. */
    final long latest;

    private JoinPoint(final long sequence, final int stateId, final long value, final Object reference,
        final long latest)
    {
        this.sequence = sequence;
        this.stateId = stateId;
        this.value = value;
        this.reference = reference;
        this.latest = latest;
    }

    /** The latest published transition, read at one instant (see {@link LatestTransition}). */
    static JoinPoint atLatest(final TransitionRing ring)
    {
        if (ring.valuesAreStates())
        {
            final long[] into = new long[3];
            LatestTransition.valueSnapshot(ring, into);
            return new JoinPoint(into[0], 0, into[2], null, into[0]);
        }
        if (ring.hasReferences())
        {
            final Object[] into = new Object[2];
            final long sequence = LatestTransition.referenceSnapshot(ring, into);
            return new JoinPoint(sequence, 0, 0, into[1], sequence);
        }
        final long snapshot = LatestTransition.snapshot(ring);
        final long sequence = SlotWord.sequence(snapshot, ring.cursor());
        return new JoinPoint(sequence, SlotWord.toId(snapshot), 0, null, sequence);
    }

    /**
     * Just before a replay's first transition, {@code from}: its {@code from} state, copied after its word and kept
     * only if the word is unchanged after it (see {@code SlotValues}).
     *
     * @return the join point, or null if the slot no longer holds {@code from} whole.
     */
    JoinPoint beforeReplayOf(final TransitionRing ring, final long from)
    {
        final long first = ring.wordRacing(from);
        final long fromValue = ring.valuesAreStates() ? ring.fromValueAt(from) : 0;
        final Object fromReference = ring.hasReferences() ? ring.fromReferenceAt(from) : null;
        if (!SlotWord.isOf(first, from) || !ring.isStill(from, first))
        {
            return null;
        }
        return new JoinPoint(from - 1, SlotWord.fromId(first), fromValue, fromReference, latest);
    }

    /** The state at this point, of the bus's type. */
    @SuppressWarnings("unchecked")
    <S> S state(final TransitionRing ring, final StateIds<S> ids)
    {
        if (ring.hasReferences())
        {
            return (S)reference; // a value bus's states are the values its producer was given, of type S
        }
        return ring.valuesAreStates() ? (S)Long.valueOf(value) : ids.stateOf(stateId); // a long bus's S is Long
    }
}
