package io.statebus.aeron;

import org.agrona.collections.Hashing;

/**
 * A keyed bridge's copy of its source's open keys as of the last transition it took: what its snapshot runs send.
 * Seeded from the source's key table ({@link #seedFrom}), then kept from the stream ({@link #apply}). A key whose
 * state at the bridge's position cannot be known yet (its latest transition in the table was after that position)
 * is held as unknown until the stream shows it; the copy is exact once none is left and the bridge has passed every
 * sequence the seeding read ({@link #isExact}). A key the source retired with {@code retire(key)}, which the stream
 * does not show, is taken out in its place from the bus's log of them ({@link #retire}), or, if the bridge missed
 * it, by the bridge's {@link KeyRetirements} ({@link #removeAt}); each key's latest sequence is kept for them.
 * Fixed size (twice the source's {@code maxKeys}), open addressing with backward-shift removal, nothing allocated
 * after construction.
 * Duty-cycle thread only.
 *
 * <p>One array, a slot's three words side by side, so that a transition's lookup and update touch one cache line
 * (mostly), not one in each of four arrays (keys, states, sequences, used). With 10,000 keys round-robin, keeping
 * the copy at all costs about 25 ns of the keyed IPC path's 147 ns per transition on one thread
 * ({@code OneThreadKinds}); the one array saved about 5 of them (noisy).
 * <pre>
 *   table[3 * slot]      key
 *   table[3 * slot + 1]  sequence of the key's latest transition
 *   table[3 * slot + 2]  0: the slot is free; else the key's state id + 2 (1: not known yet)
 * </pre>
 */
final class KeyShadow
{
    private static final int UNKNOWN = -1;
    private static final int STRIDE = 3;
    private static final int SEQUENCE = 1;
    private static final int META = 2;
    private static final long FREE = 0;

    private final long[] table;
    private final int mask;
    private int size;
    private int unknown;
    private long exactFrom;

    KeyShadow(final int maxKeys)
    {
        final int slots = Integer.highestOneBit(Math.max(2, 2 * maxKeys - 1)) << 1;
        table = new long[STRIDE * slots];
        mask = slots - 1;
    }

    private static long meta(final int stateId)
    {
        return stateId + 2L;
    }

    /** Forgets every key. */
    void clear()
    {
        java.util.Arrays.fill(table, FREE);
        size = 0;
        unknown = 0;
    }

    /**
     * Starts again from the source's table, for a bridge at {@code position}.
     *
     * @param key      a key open in the source's table.
     * @param stateId  its state after its latest transition.
     * @param sequence the sequence of that transition.
     * @param position the bridge's position: the last sequence it took (or its join point).
     */
    void seed(final long key, final int stateId, final long sequence, final long position)
    {
        put(key, sequence <= position ? stateId : UNKNOWN, sequence);
        exactFrom = Math.max(exactFrom, sequence);
    }

    /** @param latest the source's latest sequence after the seeding pass: the copy is exact from there on. */
    void seedFrom(final long latest)
    {
        exactFrom = Math.max(exactFrom, latest);
    }

    /**
     * A transition the bridge took, at {@code sequence}: the key takes {@code toId} (opened if new, learnt if
     * unknown), and leaves if {@code retires}.
     */
    void apply(final long key, final int toId, final boolean retires, final long sequence)
    {
        final int slot = slotOf(key);
        if (retires)
        {
            if (slot >= 0)
            {
                remove(slot);
            }
            return;
        }
        if (slot < 0)
        {
            put(key, toId, sequence);
            return;
        }
        final int at = STRIDE * slot;
        if (table[at + META] == meta(UNKNOWN))
        {
            unknown--;
        }
        table[at + META] = meta(toId);
        table[at + SEQUENCE] = sequence;
    }

    /**
     * The source retired the key with {@code retire(key)}: it leaves the copy, unless its latest transition here is
     * after {@code knownAt} (opened again since, seen after a gap).
     */
    void retire(final long key, final long knownAt)
    {
        final int slot = slotOf(key);
        if (slot >= 0 && sequenceAt(slot) <= knownAt)
        {
            remove(slot);
        }
    }

    /** @return the key's state id in the copy; -1 if unknown or not in it. */
    int stateOf(final long key)
    {
        final int slot = slotOf(key);
        return slot < 0 ? UNKNOWN : stateAt(slot);
    }

    /** The key at {@code slot} left the source without a transition ({@code retire(key)}): it leaves the copy. */
    void removeAt(final int slot)
    {
        remove(slot);
    }

    /** @return whether the copy is the source's table at {@code position}, the last sequence the bridge took. */
    boolean isExact(final long position)
    {
        return unknown == 0 && position >= exactFrom;
    }

    /** @return the slots, to walk with {@link #isUsed}, {@link #keyAt} and {@link #stateAt}. */
    int slots()
    {
        return mask + 1;
    }

    boolean isUsed(final int slot)
    {
        return table[STRIDE * slot + META] != FREE;
    }

    long keyAt(final int slot)
    {
        return table[STRIDE * slot];
    }

    int stateAt(final int slot)
    {
        return (int)table[STRIDE * slot + META] - 2;
    }

    /** @return the sequence of the latest transition of the key at {@code slot} (for an unknown one: after it). */
    long sequenceAt(final int slot)
    {
        return table[STRIDE * slot + SEQUENCE];
    }

    int size()
    {
        return size;
    }

    /** @return whether a new key would not fit: never on a source within its maxKeys, unless retirements were missed. */
    boolean isFull()
    {
        return size == mask;
    }

    private void put(final long key, final int stateId, final long sequence)
    {
        int i = Hashing.hash(key, mask);
        while (isUsed(i))
        {
            if (keyAt(i) == key)
            {
                unknown -= stateAt(i) == UNKNOWN ? 1 : 0;
                unknown += stateId == UNKNOWN ? 1 : 0;
                table[STRIDE * i + META] = meta(stateId);
                table[STRIDE * i + SEQUENCE] = sequence;
                return;
            }
            i = i + 1 & mask;
        }
        if (size == mask) // never on a source within its maxKeys: the table is twice that
        {
            throw new IllegalStateException("keyed bridge: more keys than the source's maxKeys");
        }
        table[STRIDE * i] = key;
        table[STRIDE * i + SEQUENCE] = sequence;
        table[STRIDE * i + META] = meta(stateId);
        size++;
        unknown += stateId == UNKNOWN ? 1 : 0;
    }

    private int slotOf(final long key)
    {
        for (int i = Hashing.hash(key, mask); isUsed(i); i = i + 1 & mask)
        {
            if (keyAt(i) == key)
            {
                return i;
            }
        }
        return -1;
    }

    private void remove(final int slot)
    {
        unknown -= stateAt(slot) == UNKNOWN ? 1 : 0;
        int hole = slot;
        for (int i = slot + 1 & mask; isUsed(i); i = i + 1 & mask)
        {
            final int home = Hashing.hash(keyAt(i), mask);
            if ((i - home & mask) >= (i - hole & mask)) // home not in the cyclic range (hole, i]: it may move back
            {
                System.arraycopy(table, STRIDE * i, table, STRIDE * hole, STRIDE);
                hole = i;
            }
        }
        table[STRIDE * hole + META] = FREE;
        size--;
    }
}
