package io.statebus.publish;

import io.statebus.StateBusClosedException;
import io.statebus.keys.KeyEntry;
import io.statebus.keys.KeyTable;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;

/**
 * What a keyed bus does under the right to publish ({@link Producer#runHeld}): open a key, change a key's state,
 * retire a key. Each transition carries its key; the key table keeps every live key's state and latest sequence.
 *
 * <p>Order of writes for one transition: the key's entry in the table (its sequence, from and to), then the slot
 * (word, key), then the cursor (release); a key retired by reaching a final state leaves the table after the cursor.
 * A reader that acquires the cursor therefore finds every key's entry at least as new as the cursor. The entry may
 * be newer (its transition claimed, not yet published): the key's state is then the entry's {@code from}, as
 * {@link #stateIdOf} reads it, so {@code get} never runs ahead of the ring.
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
        this.ids = ids;
        this.rules = rules;
        this.retireOn = retireOn;
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
        if (owner != null && owner.isFastFor(Thread.currentThread()))
        {
            final long fast = changeFast(owner, key, expectedId, toId);
            if (fast != PublishResult.FAST_MISS)
            {
                return fast;
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
     * A key's current state, lock-free and linearizable: its entry, then the cursor. If the cursor has reached the
     * entry's transition, its {@code to} (no later transition of the key can have been published without a newer
     * entry, and there was an instant between the two reads when this one was the key's latest); if not, the
     * {@code from} (the key's previous transition was published before this one's entry was written).
     *
     * @param key a key.
     * @return its state id now, or -1 if it is not open (never opened, retired, or its opening not yet published).
     */
    public int stateIdOf(final long key)
    {
        final long entry = table.entryOf(key);
        if (entry == KeyTable.ABSENT)
        {
            return -1;
        }
        if (KeyEntry.sequence(entry) <= ring.cursor()) // acquire, after the entry's read
        {
            return KeyEntry.stateId(entry);
        }
        return KeyEntry.isOpening(entry) ? -1 : KeyEntry.fromId(entry);
    }

    /**
     * @param key a key.
     * @return its state id now; a clear error if it is not open.
     */
    public int openStateIdOf(final long key)
    {
        final int id = stateIdOf(key);
        if (id < 0)
        {
            throw unknown(key);
        }
        return id;
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
        if (op != OPEN && stateIdOf(key) < 0)
        {
            throw unknown(key); // read as get() reads it: another thread may own the bus by now, mid-open
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
        final long sequence = producer.claimHeld(deadline, stateId);
        if (sequence > 0)
        {
            final int slot = table.add(key, KeyEntry.entry(sequence, stateId, stateId, true));
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
            throw unknown(key);
        }
        final int fromId = KeyEntry.stateId(table.entryAt(slot));
        final long verdict = rules.verdict(fromId, expectedId, toId);
        if (verdict != PublishResult.ALLOWED)
        {
            return verdict;
        }
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
        table.update(slot, KeyEntry.entry(sequence, fromId, toId, false));
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
            throw unknown(key);
        }
        table.remove(slot);
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

    /** @return the live keys. */
    public KeyTable table()
    {
        return table;
    }

    private static IllegalArgumentException unknown(final long key)
    {
        return new IllegalArgumentException("key " + key + " is not open: never opened, or retired");
    }
}
