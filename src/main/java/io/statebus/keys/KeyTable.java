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
 * a reader retries when the version changed under it (a seqlock; {@link LiveKeys} for a pass over every slot).
 */
public final class KeyTable
{
    /** What {@link #entryOf} returns for a key that is not live: {@link KeyEntry#ABSENT}. */
    public static final long ABSENT = KeyEntry.ABSENT;
    /** The most keys a table holds: 2^28 take 2^30 longs; one more doubles that past the longest array Java allows. */
    public static final int MOST_KEYS = 1 << 28;
    /** How many retirements' slots are kept for a reader: as many as may come between two of its looks. */
    static final int REMOVALS_KEPT = 1024;

    private static final VarHandle ENTRY = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle VERSION;
    private static final VarHandle IN_FLIGHT;
    private static final VarHandle REMOVAL = MethodHandles.arrayElementVarHandle(long[].class);

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
    /** The slots each of the latest retirements touched, at its closing version / 2 ({@link #removal}). */
    private final long[] removals = new long[REMOVALS_KEPT];

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
        final int kept = (int)((v + 2) >>> 1) & REMOVALS_KEPT - 1;
        REMOVAL.setOpaque(removals, kept, (long)slot << 32 | hole); // the version's release below publishes it
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

    /** @return the version once even (no retirement under way), read with acquire. */
    long settledVersion()
    {
        long v;
        while (((v = (long)VERSION.getAcquire(this)) & 1) != 0)
        {
            Thread.onSpinWait();
        }
        return v;
    }

    /** @return the version, read opaque (after a load-load fence, to check a read). */
    long versionNow()
    {
        return (long)VERSION.getOpaque(this);
    }

    /**
     * @param version the even version a retirement closed with, one of the last {@link #REMOVALS_KEPT}.
     * @return the slots it touched: the first (the key's) in the high 32 bits, the last (left empty) in the low.
     */
    long removal(final long version)
    {
        return (long)REMOVAL.getOpaque(removals, (int)(version >>> 1) & REMOVALS_KEPT - 1);
    }

    /** @return the slots' keys and entries (slot i: key at 2i, entry at 2i + 1; a power of two slots). */
    long[] pairs()
    {
        return pairs;
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
