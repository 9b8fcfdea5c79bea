package io.statebus.publish;

import io.statebus.StateBusClosedException;
import io.statebus.keys.KeyEntry;
import io.statebus.keys.KeyTable;
import io.statebus.keys.LiveKeys;
import io.statebus.ring.LostMarks;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.concurrent.IdleStrategy;

/**
 * A {@link MirrorProducer} for a keyed bus ({@code KeyedMirror}): a transition is two state ids in the slot's word
 * and the key beside it, and the mirror keeps the source's key table from the stream.
 *
 * <p>How keys appear in a keyed bus's stream, and what the mirror does with each:
 * <ul>
 *   <li>{@code open(key, s)} publishes {@code s -> s} for the key: a key the mirror does not have is opened in
 *   {@code s}; one it has (the source retired it with {@code retire(key)}, which publishes nothing, then opened it
 *   again; or a {@code publishUnchanged} bus set it again) takes {@code s}: the table is the same either way.</li>
 *   <li>A change {@code a -> b} of a key the mirror has: its state must be {@code a} (the chain per key), unless
 *   the key's latest transition in the mirror is older than a lost range (it may have changed in it).</li>
 *   <li>A change of a key the mirror does not have is refused, unless sequences were lost since the mirror started
 *   (the key may have been opened in them): it is then opened in {@code b}.</li>
 *   <li>After {@link #resync} the table is the source's again: until the next loss both checks above hold for every
 *   key, as before any loss.</li>
 *   <li>Reaching a state the builder's {@code retireOn} names retires the key after its transition is published,
 *   as on the source (the mirror must be built with the source's final states).</li>
 * </ul>
 * A key the source retired with {@code retire(key)} stays in the mirror until it is opened again, reaches a final
 * state, or a transport that learnt of the call tells it with {@link #retire}: the stream does not show that call.
 *
 * <p>Writes, as {@link KeyedPublisher}'s: the key's entry, then the slot, then the cursor (release); a retiring
 * key leaves the table after the cursor. Owner-thread only, but for what the table lets any thread read.
 *
 * @param <S> the state type
 */
public final class KeyedMirrorProducer<S> extends MirrorProducer<S>
{
    private final KeyTable table;
    private final boolean[] retireOn;
    private final long start;
    /** Owner only: the sequence as of which the table was last the source's, whole: the start, or the latest resync. */
    private long exactAt;
    private boolean appended;
    private long stagedKey;
    private int stagedFromId;
    private int stagedToId;
    private int stagedSlot;

    /**
     * @param ring     a keyed ring, stamped, started at the source's sequence.
     * @param ids      the states, the source's.
     * @param table    the mirror's key table, empty.
     * @param retireOn per state id, whether reaching it retires the key; or null.
     * @param idle     how the appending thread waits for free slots.
     */
    public KeyedMirrorProducer(final TransitionRing ring, final StateIds<S> ids, final KeyTable table,
        final boolean[] retireOn, final IdleStrategy idle)
    {
        super(ring, ids, idle, KeyEntry.SEQUENCE_LIMIT);
        this.table = table;
        this.retireOn = retireOn;
        this.start = ring.cursor();
        this.exactAt = start;
    }

    /**
     * Opens a key that was open at the mirror's start sequence, from the source's snapshot: before the first append.
     *
     * @param key     a key not open in the mirror.
     * @param stateId its state at the start sequence.
     * @throws IllegalStateException    after the first append, from another thread, or if the table is full.
     * @throws IllegalArgumentException if the key is open already, or the state is a final one.
     * @throws StateBusClosedException if the bus is closed; nothing changed.
     */
    public void seed(final long key, final int stateId)
    {
        owner.checkMayOwn(); // owned once checked: a refused first call takes no owner
        checkNotClosed("seed key " + key);
        if (appended)
        {
            throw new IllegalStateException("a keyed mirror takes its snapshot's keys before its first append");
        }
        if (table.slotOf(key) >= 0)
        {
            throw new IllegalArgumentException("key " + key + " is in the snapshot twice");
        }
        checkNotFinal(key, stateId);
        owner.own(); // a first call finds the table empty: the add below has room
        table.add(key, KeyEntry.entry(start, stateId));
    }

    /**
     * Makes the table the source's at the mirror's latest sequence, from a snapshot of the source's open keys there:
     * keys it lacks are removed, the others take their snapshot state. Publishes nothing. After lost sequences the
     * table may hold keys the source retired in them, or miss keys opened in them: this repairs it. Until the next
     * loss the mirror then checks every key as before any loss (the chain; a change of a key it lacks is refused).
     *
     * @param sequence the sequence the snapshot describes: the mirror's latest.
     * @param keys     the open keys.
     * @param stateIds their states.
     * @param count    how many.
     * @throws IllegalArgumentException if {@code sequence} is not the latest, or a key is in the snapshot twice or
     *                                  in a final state; nothing changed.
     * @throws IllegalStateException    if {@code count} is over {@code maxKeys}, or from another thread; nothing
     *                                  changed.
     * @throws StateBusClosedException if the bus is closed; nothing changed.
     */
    public void resync(final long sequence, final long[] keys, final int[] stateIds, final int count)
    {
        owner.checkMayOwn(); // owned once checked, as in seed
        checkNotClosed("resync its keys");
        if (sequence != ring.cursor() || count > table.maxKeys())
        {
            throw sequence != ring.cursor() ? new IllegalArgumentException("a snapshot of " + sequence +
                " cannot repair a mirror at " + ring.cursor()) : new IllegalStateException("key table full: " + count +
                " keys in the snapshot, maxKeys " + table.maxKeys());
        }
        final org.agrona.collections.LongHashSet inSnapshot = new org.agrona.collections.LongHashSet(2 * count + 1);
        for (int i = 0; i < count; i++)
        {
            if (!inSnapshot.add(keys[i]))
            {
                throw new IllegalArgumentException("key " + keys[i] + " is in the snapshot twice"); // as in seed
            }
            checkNotFinal(keys[i], stateIds[i]);
        }
        owner.own();
        final LiveKeys live = LiveKeys.of(table); // the writer's own table: one pass
        for (int i = 0; i < live.size(); i++)
        {
            if (!inSnapshot.contains(live.key(i)))
            {
                // logged as a retirement at this sequence: a bridge of this mirror tells its own mirrors in place
                table.retirements().retire(table.slotOf(live.key(i)), live.key(i), sequence);
            }
        }
        for (int i = 0; i < count; i++)
        {
            final int slot = table.slotOf(keys[i]);
            if (slot < 0)
            {
                table.add(keys[i], KeyEntry.entry(sequence, stateIds[i]));
            }
            else
            {
                table.update(slot, KeyEntry.entry(sequence, stateIds[i]));
            }
        }
        exactAt = sequence;
    }

    /** A closed mirror's key table stays as at close, as a closed bus's does (its appends are refused alike). */
    private void checkNotClosed(final String what)
    {
        if (isClosed())
        {
            throw new StateBusClosedException("bus is closed: cannot " + what);
        }
    }

    /** A source retires a key in a final state at once: its snapshot never holds one there. */
    private void checkNotFinal(final long key, final int stateId)
    {
        if (retireOn != null && retireOn[stateId])
        {
            throw new IllegalArgumentException("key " + key + " is in the snapshot in " + ids.stateOf(stateId) +
                ", a final state: the source retires a key there, its snapshot never holds one");
        }
    }

    /**
     * Retires a key the source retired with {@code retire(key)}, which publishes nothing: as there, nothing is
     * published. Only if the mirror's latest transition of the key is at or before {@code knownAt}: a later one
     * (the key reopened after that retirement) keeps it.
     *
     * @param key     the key.
     * @param knownAt the source's sequence of the key's latest transition before it was retired.
     * @return true if the key was open here and is retired now.
     * @throws IllegalStateException from another thread.
     * @throws StateBusClosedException if the bus is closed; nothing changed.
     */
    public boolean retire(final long key, final long knownAt)
    {
        owner.checkMayOwn(); // owned once checked, as in seed
        checkNotClosed("retire key " + key);
        owner.own();
        final int slot = table.slotOf(key);
        if (slot < 0 || KeyEntry.sequence(table.entryAt(slot)) > knownAt)
        {
            return false;
        }
        table.retirements().retire(slot, key, ring.cursor()); // logged as the source's: for a bridge of this mirror
        return true;
    }

    /**
     * Appends the source's transition of {@code key} at {@code sequence} (see {@link MirrorProducer#appendStaged}).
     *
     * @param sequence  the source's sequence, after the latest appended.
     * @param key       the entity's key.
     * @param fromId    the key's state id before.
     * @param toId      its state id after.
     * @param timestamp the source's timestamp.
     * @param deadline  a deadline, {@link PublishResult#NO_DEADLINE} or {@link PublishResult#NO_WAIT}.
     * @return {@code sequence}, or {@link PublishResult#TIMED_OUT} / {@link PublishResult#INTERRUPTED}.
     */
    public long append(final long sequence, final long key, final int fromId, final int toId, final long timestamp,
        final long deadline)
    {
        final boolean first = owner.own(); // first: the fields below are the owner's, so it owns before it stages
        stagedKey = key;
        stagedFromId = fromId;
        stagedToId = toId;
        return appendStaged(first, sequence, timestamp, deadline);
    }

    @Override
    void checkStaged(final long sequence, final boolean follows)
    {
        // a key whose latest transition here is at or before this sequence's lost range may have changed in it; none
        // did if a snapshot repaired the table after the last loss (also one at that lost sequence) and none since
        final boolean exact = sequence == ring.cursor() + 1 && lastLost() <= exactAt;
        final long lostBefore = exact ? -1 : follows ? lastLost() : sequence - 1;
        final int slot = table.slotOf(stagedKey);
        stagedSlot = slot;
        if (stagedFromId == stagedToId)
        {
            if (slot < 0)
            {
                table.checkRoom(); // an opening: before anything is claimed
            }
            return;
        }
        if (slot < 0)
        {
            if (lostBefore < 0)
            {
                throw new IllegalArgumentException("key " + stagedKey + " changes at " + sequence + " from " +
                    ids.stateOf(stagedFromId) + " but the mirror does not have it: never opened, or retired");
            }
            table.checkRoom(); // opened in a lost range: learnt now
            return;
        }
        final long entry = table.entryAt(slot);
        if (KeyEntry.stateId(entry) != stagedFromId && KeyEntry.sequence(entry) > lostBefore)
        {
            throw new IllegalArgumentException("chain broken at " + sequence + " for key " + stagedKey + ": from " +
                ids.stateOf(stagedFromId) + " but the mirror's state of it is " + ids.stateOf(KeyEntry.stateId(entry)));
        }
    }

    @Override
    void writeStaged(final long sequence, final long timestamp)
    {
        appended = true;
        int slot = stagedSlot;
        if (slot < 0)
        {
            slot = table.add(stagedKey, KeyEntry.entry(sequence, stagedToId, true)); // open once published
        }
        else
        {
            table.change(slot, sequence, stagedFromId, stagedToId);
        }
        ring.publishWithLongs(sequence, stagedFromId, stagedToId, stagedKey, 0, timestamp);
        if (retireOn != null && retireOn[stagedToId])
        {
            table.remove(slot); // a final state: the key leaves once its last transition is published
        }
    }

    @Override
    void markLostUpTo(final long lastLostSequence, final boolean beforeStaged)
    {
        appended = true;
        LostMarks.publishUpTo(ring, lastLostSequence, 0, 0);
    }

    @Override
    int stagedToId()
    {
        return stagedToId;
    }

    /** @return the mirror's live keys. */
    public KeyTable table()
    {
        return table;
    }
}
