package io.statebus.publish;

import io.statebus.StateBusClosedException;
import io.statebus.keys.KeyEntry;
import io.statebus.keys.KeyStates;
import io.statebus.keys.KeyTable;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;

/**
 * What a keyed bus does under the right to publish ({@link Producer#runHeld}): open a key, change a key's state,
 * retire a key. Each transition carries its key; the key table keeps every live key's state and latest sequence.
 *
 * <p>Order of writes for one transition: the key's entry in the table (the table's note of the change's {@code from},
 * then the entry: its sequence and {@code to}), then the slot (word, key), then the cursor (release); a key retired
 * by reaching a final state leaves the table after the cursor. A reader that acquires the cursor therefore finds
 * every key's entry at least as new as the cursor. The entry may be newer (its transition claimed, not yet
 * published): the key's state is then that change's {@code from}, from the note, as {@link KeyStates} reads it, so
 * {@code get} never runs ahead of the ring.
 *
 * @param <S> the state type.
 */
public final class KeyedPublisher<S> implements HeldOperation
{
    private static final int OPEN = 0;
    private static final int CHANGE = 1;
    private static final int RETIRE = 2;

    private final Producer<S> producer;
    /** The producer when it is a single owner's ({@link SingleProducer}), whose fast path a change can take; or null. */
    private final OwnerGate<S> owner;
    /** Fast-path copies of the rules' table (null: every transition allowed) and the number of states. */
    private final boolean[] allowed;
    private final int states;
    private final TransitionRing ring;
    private final KeyTable table;
    /** The lock-free read of a key's state, for a call refused before its thread owns the bus. */
    private final KeyStates keyStates;
    private final StateIds<S> ids;
    private final TransitionRules rules;
    /** Per state id: whether reaching it retires the key; null for none. */
    private final boolean[] retireOn;

    /**
     * @param producer who holds the right to publish.
     * @param ring     a keyed ring.
     * @param table    the live keys.
     * @param ids      the states.
     * @param rules    what a key may do.
     * @param retireOn per state id, whether reaching it retires the key; or null.
     */
    public KeyedPublisher(
        final Producer<S> producer,
        final TransitionRing ring,
        final KeyTable table,
        final StateIds<S> ids,
        final TransitionRules rules,
        final boolean[] retireOn)
    {
        this.producer = producer;
        this.owner = producer instanceof OwnerGate ? (OwnerGate<S>)producer : null;
        this.allowed = rules.table();
        this.states = ids.size();
        this.ring = ring;
        this.table = table;
        this.keyStates = new KeyStates(table, ring);
        this.ids = ids;
        this.rules = rules;
        this.retireOn = retireOn;
        if (owner != null)
        {
            owner.claimNoFurtherThan(KeyEntry.SEQUENCE_LIMIT - 1); // past that, the full path refuses
        }
    }

    /**
     * @param key      a key not live now.
     * @param stateId  its initial state.
     * @param deadline a {@code System.nanoTime()} deadline, or {@link PublishResult#NO_DEADLINE}.
     * @return the sequence of {@code initial -> initial} for the key, or a {@link PublishResult} code.
     */
    public long open(final long key, final int stateId, final long deadline)
    {
        return producer.runHeld(this, OPEN, key, stateId, stateId, deadline);
    }

    /**
     * @param key        a live key.
     * @param expectedId the state a compare-and-set expects, or -1.
     * @param toId       the new state.
     * @param deadline   a {@code System.nanoTime()} deadline, or {@link PublishResult#NO_DEADLINE}.
     * @return the published sequence, or a {@link PublishResult} code.
     */
    public long change(final long key, final int expectedId, final int toId, final long deadline)
    {
        final OwnerGate<S> owner = this.owner;
        final Thread current = Thread.currentThread();
        if (owner != null && owner.isFastFor(current))
        {
            final long fast = changeFast(owner, key, expectedId, toId);
            if (fast != PublishResult.FAST_MISS)
            {
                return owner.toldIfShut(current, fast);
            }
        }
        return producer.runHeld(this, CHANGE, key, expectedId, toId, deadline);
    }

    /**
     * {@link #changeHeld} on the single owner's open fast path (no listener, not closed): decides only what it can
     * without waiting or throwing, in the same order of writes.
     *
     * @return the published sequence, {@link PublishResult#CAS_FAILED}, or {@link PublishResult#FAST_MISS} for the
     *     full path (an unknown key, unchanged, forbidden, the ring full), having then changed nothing.
     */
    private long changeFast(final OwnerGate<S> owner, final long key, final int expectedId, final int toId)
    {
        final int slot = table.slotOf(key);
        if (slot < 0)
        {
            return PublishResult.FAST_MISS; // the full path throws
        }
        final int fromId = KeyEntry.stateId(table.entryAt(slot));
        if (expectedId >= 0 && fromId != expectedId)
        {
            return PublishResult.CAS_FAILED;
        }
        final boolean[] allowed = this.allowed;
        if (fromId == toId || (allowed != null && !allowed[fromId * states + toId]))
        {
            return PublishResult.FAST_MISS; // unchanged or forbidden: the full path decides
        }
        final long sequence = owner.claimFast();
        if (sequence != PublishResult.FAST_MISS)
        {
            writeChange(slot, key, sequence, fromId, toId, owner.claimedAt);
        }
        return sequence;
    }

    /** @param key a live key: from now on it is unknown, and its slot in the table is free. */
    public void retire(final long key)
    {
        producer.runHeld(this, RETIRE, key, 0, 0, PublishResult.NO_DEADLINE);
    }

    /**
     * Under the right to publish: {@code OPEN} ({@code a}: the initial state), {@code CHANGE} ({@code a}: the
     * expected state, -1 for none; {@code b}: the new one) or {@code RETIRE}.
     */
    @Override
    public long run(final int op, final long key, final int a, final int b, final long deadline)
    {
        switch (op)
        {
            case CHANGE:
                return changeHeld(key, a, b, deadline);
            case OPEN:
                return openHeld(key, a, deadline);
            default:
                return retireHeld(key);
        }
    }

    /** Before a single producer has an owner no key is open: a change or retire of an unknown key is refused. */
    @Override
    public void refuseBeforeOwning(final int op, final long key)
    {
        if (op != OPEN && keyStates.stateIdOf(key) < 0)
        {
            throw KeyStates.unknown(key); // read as get() reads it: another thread may own the bus by now, mid-open
        }
    }

    private long openHeld(final long key, final int stateId, final long deadline)
    {
        if (producer.isClosed())
        {
            throw producer.closedFor(stateId);
        }
        if (table.slotOf(key) >= 0)
        {
            throw new IllegalArgumentException("key " + key + " is open already, in state " +
                ids.stateOf(KeyEntry.stateId(table.entryAt(table.slotOf(key)))));
        }
        table.checkRoom(); // before anything is claimed
        checkSequenceRoom();
        final long sequence = producer.claimHeld(deadline, stateId);
        if (sequence > 0)
        {
            final int slot = table.add(key, KeyEntry.entry(sequence, stateId, true));
            ring.publishWithLongs(sequence, stateId, stateId, key, 0, producer.claimedAt);
            if (retiresOn(stateId))
            {
                table.remove(slot); // opened in a final state: it reached it, and leaves, as a mirror's key does
            }
        }
        return sequence;
    }

    private long changeHeld(final long key, final int expectedId, final int toId, final long deadline)
    {
        if (producer.isClosed())
        {
            throw producer.closedFor(toId);
        }
        final int slot = table.slotOf(key);
        if (slot < 0)
        {
            throw KeyStates.unknown(key);
        }
        final int fromId = KeyEntry.stateId(table.entryAt(slot));
        final long verdict = rules.verdict(fromId, expectedId, toId);
        if (verdict != PublishResult.ALLOWED)
        {
            return verdict;
        }
        checkSequenceRoom();
        final long sequence = producer.claimHeld(deadline, toId);
        if (sequence > 0)
        {
            writeChange(slot, key, sequence, fromId, toId, producer.claimedAt);
        }
        return sequence;
    }

    /** A claimed change, in the order readers rely on: the key's entry, the slot, then a final state's retiring. */
    private void writeChange(
        final int slot, final long key, final long sequence, final int fromId, final int toId, final long timestamp)
    {
        table.change(slot, sequence, fromId, toId);
        ring.publishWithLongs(sequence, fromId, toId, key, 0, timestamp);
        if (retiresOn(toId))
        {
            table.remove(slot); // a final state: the key leaves once its last transition is published
        }
    }

    private long retireHeld(final long key)
    {
        if (producer.isClosed())
        {
            throw new StateBusClosedException("bus is closed: cannot retire key " + key); // the table as at close
        }
        final int slot = table.slotOf(key);
        if (slot < 0)
        {
            throw KeyStates.unknown(key);
        }
        // under the right to publish every sequence claimed is published: the retirement follows the cursor's
        table.retirements().retire(slot, key, ring.cursor());
        return PublishResult.NOT_PUBLISHED; // nothing published: no listener is told
    }

    /**
     * @param stateId a state id.
     * @return whether reaching it retires a key.
     */
    public boolean retiresOn(final int stateId)
    {
        return retireOn != null && retireOn[stateId];
    }

    /** @return the lock-free read of a key's state. */
    public KeyStates keyStates()
    {
        return keyStates;
    }

    /** @return the live keys. */
    public KeyTable table()
    {
        return table;
    }

    /** Under the right to publish, before a claim: its sequence (the cursor's next) must fit a key's entry. */
    private void checkSequenceRoom()
    {
        if (ring.cursor() >= KeyEntry.SEQUENCE_LIMIT - 1)
        {
            throw new IllegalStateException("a keyed bus publishes at most 2^50 - 1 transitions; this one has");
        }
    }

}
