package io.statebus.keys;

import org.agrona.collections.Hashing;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The live keys of a keyed bus and each one's current state and latest sequence: fixed when built (open
 * addressing, linear probing, at most half full), {@code long} keys, no allocation after construction. One writer
 * (the holder of the right to publish); any thread reads, without a lock.
 *
 * <pre>
 *  pairs:   [ 1001 e | 0 0 | 77 e | ... ]     slot i: key at 2i, entry at 2i + 1; entry 0: an empty slot
 *  entry: a KeyEntry word (latest sequence | live | opening | to id); beside the pairs, one note of the
 *         change in flight (its sequence | from id), for a reader that finds an entry ahead of the cursor
 * </pre>
 *
 * <p>A slot's key and entry sit side by side in one array, so a probe touches one cache line per slot, not two.
 *
 * <p>Readers: an update is one store of an entry word, so a read sees the state before or after it. An insert
 * writes its key before its entry (release), so a reader that sees the entry sees the key. Retiring a key moves
 * later keys of its probe chain back (backward-shift deletion, so a day of short-lived keys leaves no tombstones
 * behind); a reader racing that could miss a key that is moving, so retiring is framed by a version counter and
 * a reader retries when the version changed under it (a seqlock).
 */
public final class KeyTable
{
    /** What {@link #entryOf} returns for a key that is not live: {@link KeyEntry#ABSENT}. */
    public static final long ABSENT = KeyEntry.ABSENT;
    /** The most keys a table holds: 2^28 take 2^30 longs; one more doubles that past the longest array Java allows. */
    public static final int MOST_KEYS = 1 << 28;

    private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle VERSION;
    private static final VarHandle IN_FLIGHT;

    static
    {
        try
        {
            VERSION = MethodHandles.lookup().findVarHandle(KeyTable.class, "version", long.class);
            IN_FLIGHT = MethodHandles.lookup().findVarHandle(KeyTable.class, "inFlight", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Key and entry of each slot, side by side: slot i's key at 2i, its entry at 2i + 1. */
    private final long[] pairs;
    private final int mask;
    private final int maxKeys;
    private final RetirementLog retirements;
    /** Writer-only. */
    private int size;
    /** Odd while the writer moves keys; written with release stores, read with acquire. */
    @SuppressWarnings("unused") private long version;
    /** The latest change claimed: its sequence and the key's state before it ({@link KeyEntry#inFlight}). */
    @SuppressWarnings("unused") private long inFlight;

    /** @param maxKeys the most keys live at once, 1 to {@link #MOST_KEYS}; 32 bytes per key, rounded up. */
    public KeyTable(final int maxKeys)
    {
        if (maxKeys < 1 || maxKeys > MOST_KEYS)
        {
            throw new IllegalArgumentException("maxKeys must be from 1 to 2^28, got " + maxKeys);
        }
        final int slots = Integer.highestOneBit(2 * maxKeys - 1) << 1; // a power of two, at least twice maxKeys
        this.pairs = new long[2 * slots];
        this.mask = slots - 1;
        this.maxKeys = maxKeys;
        this.retirements = new RetirementLog(this, maxKeys);
    }

    // ---- the writer ----

    /**
     * @param key a key.
     * @return its slot, or -1 if it is not live (writer only: plain reads).
     */
    public int slotOf(final long key)
    {
        for (int i = Hashing.hash(key, mask); ; i = i + 1 & mask)
        {
            if (pairs[2 * i + 1] == ABSENT)
            {
                return -1;
            }
            if (pairs[2 * i] == key)
            {
                return i;
            }
        }
    }

    /**
     * Makes {@code key} live.
     *
     * @param key   a key not live now.
     * @param entry its first entry.
     * @return its slot.
     * @throws IllegalStateException if {@code maxKeys} keys are live; nothing changed.
     */
    public int add(final long key, final long entry)
    {
        checkRoom();
        int i = Hashing.hash(key, mask);
        while (pairs[2 * i + 1] != ABSENT)
        {
            i = i + 1 & mask;
        }
        pairs[2 * i] = key;
        ENTRY.setRelease(pairs, 2 * i + 1, entry); // after the key: a reader that sees the entry compares the right key
        size++;
        return i;
    }

    /**
     * A live key's change, claimed at {@code sequence} and not yet published: the note of its {@code from}, then the
     * entry. Until the cursor reaches {@code sequence} a reader takes the key's state from the note
     * ({@link #inFlight}).
     *
     * @param slot     the key's slot.
     * @param sequence the change's sequence, below {@link KeyEntry#SEQUENCE_LIMIT}.
     * @param fromId   the key's state id before it.
     * @param toId     its state id after it.
     */
    public void change(final int slot, final long sequence, final int fromId, final int toId)
    {
        // opaque: read whole by any thread; the entry's release store below orders it first
        IN_FLIGHT.setOpaque(this, KeyEntry.inFlight(sequence, fromId));
        ENTRY.setRelease(pairs, 2 * slot + 1, KeyEntry.entry(sequence, toId, false));
    }

    /**
     * @return the note of the latest change claimed ({@link #change}, {@link KeyEntry#inFlight}; 0 before any): read
     *     after an entry the cursor has not reached, that change's, or a later one's (the entry's is then published).
     */
    public long inFlight()
    {
        return (long)IN_FLIGHT.getAcquire(this);
    }

    /**
     * @param slot  a live key's slot.
     * @param entry its new entry, of a published transition (a snapshot's state).
     */
    public void update(final int slot, final long entry)
    {
        ENTRY.setRelease(pairs, 2 * slot + 1, entry); // one store: a reader sees the state before or after, never half
    }

    /**
     * @param slot a live key's slot.
     * @return its entry (writer only: plain read).
     */
    public long entryAt(final int slot)
    {
        return pairs[2 * slot + 1];
    }

    /**
     * Retires the key at {@code slot}: it is no longer live, and its slot is free for another key.
     *
     * @param slot a live key's slot.
     */
    public void remove(final int slot)
    {
        final long v = (long)VERSION.get(this);
        VERSION.setRelease(this, v + 1);
        VarHandle.storeStoreFence(); // readers see the odd version before any key moves
        int hole = slot;
        for (int i = slot + 1 & mask; pairs[2 * i + 1] != ABSENT; i = i + 1 & mask)
        {
            final int home = Hashing.hash(pairs[2 * i], mask);
            // the key at i may move back to the hole if its home is not in the cyclic range (hole, i]
            if ((i - home & mask) >= (i - hole & mask))
            {
                pairs[2 * hole] = pairs[2 * i];
                pairs[2 * hole + 1] = pairs[2 * i + 1];
                hole = i;
            }
        }
        pairs[2 * hole + 1] = ABSENT;
        size--;
        VERSION.setRelease(this, v + 2); // release: every move above is visible to a reader that sees it even
    }

    /** @return the keys retired without a transition ({@code retire(key)}), each placed between two sequences. */
    public RetirementLog retirements()
    {
        return retirements;
    }

    /** @throws IllegalStateException if {@code maxKeys} keys are live: {@link #add} would refuse. */
    public void checkRoom()
    {
        if (size == maxKeys)
        {
            throw new IllegalStateException("key table full: " + maxKeys + " keys are live; retire keys that " +
                "reached a final state, or build with a larger maxKeys");
        }
    }

    /** @return how many keys are live. */
    public int size()
    {
        return size;
    }

    /** @return the table's slots: twice the most keys live at once, rounded up to a power of two. */
    int slots()
    {
        return pairs.length / 2;
    }

    /** @return the most keys live at once. */
    public int maxKeys()
    {
        return maxKeys;
    }

    // ---- any thread ----

    /**
     * The key's entry as of one instant, lock-free: retried only while the writer retires keys.
     *
     * @param key a key.
     * @return its entry, or {@link #ABSENT} if it is not live.
     */
    public long entryOf(final long key)
    {
        while (true)
        {
            final long before = (long)VERSION.getAcquire(this);
            if ((before & 1) == 0)
            {
                final long entry = probe(key);
                VarHandle.loadLoadFence(); // the probe's loads before the version's re-read
                if ((long)VERSION.getOpaque(this) == before)
                {
                    return entry;
                }
            }
            Thread.onSpinWait();
        }
    }

    /**
     * Copies every live key and its entry, as of one pass that no retirement overlapped (the pass is repeated if
     * one did: a key moving back could be missed). Each entry is the key's latest at the moment it was read.
     *
     * @param keysOut    receives the keys; at least {@link #maxKeys()} long.
     * @param entriesOut receives their entries, at the same indexes.
     * @return how many were copied.
     */
    public int copyLive(final long[] keysOut, final long[] entriesOut)
    {
        while (true)
        {
            final long before = (long)VERSION.getAcquire(this);
            int n = 0;
            for (int i = 0; i <= mask && (before & 1) == 0 && n < keysOut.length; i++)
            {
                final long entry = (long)ENTRY.getAcquire(pairs, 2 * i + 1); // acquire: the key written before it
                if (entry != ABSENT)
                {
                    keysOut[n] = pairs[2 * i];
                    entriesOut[n++] = entry;
                }
            }
            VarHandle.loadLoadFence(); // the pass's loads before the version's re-read
            if ((before & 1) == 0 && (long)VERSION.getOpaque(this) == before)
            {
                return n;
            }
            Thread.onSpinWait();
        }
    }

    private long probe(final long key)
    {
        for (int i = Hashing.hash(key, mask), n = 0; n <= mask; i = i + 1 & mask, n++)
        {
            final long entry = (long)ENTRY.getAcquire(pairs, 2 * i + 1); // acquire: the key written before it
            if (entry == ABSENT)
            {
                return ABSENT;
            }
            if (pairs[2 * i] == key)
            {
                return entry;
            }
        }
        return ABSENT; // a torn view mid-retire (the version check rejects it): never loop forever
    }
}
