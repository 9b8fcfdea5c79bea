package io.statebus.aeron;

import org.agrona.collections.Hashing;

/**
 * A keyed bridge's copy of its source's open keys as of the last transition it took: what its snapshot runs send.
 * Seeded from the source's key table ({@link #seedFrom}), then kept from the stream ({@link #apply}). A key whose
 * state at the bridge's position cannot be known yet (its latest transition in the table was after that position)
 * is held as unknown until the stream shows it; the copy is exact once none is left and the bridge has passed every
 * sequence the seeding read ({@link #isExact}). A key the source retired with {@code retire(key)}, which the stream
 * does not show, is taken out by the bridge's {@link KeyRetirements} ({@link #removeAt}); each key's latest
 * sequence is kept for it. Fixed size (twice the source's {@code maxKeys}), open addressing
 * with backward-shift removal, nothing allocated after construction. Duty-cycle thread only.
 */
final class KeyShadow
{
    private static final int UNKNOWN = -1;

    private final long[] keys;
    private final int[] states; // a state id, or UNKNOWN; meaningful where used[i]
    private final long[] sequences; // the key's latest transition's sequence; meaningful where used[i]
    private final boolean[] used;
    private final int mask;
    private int size;
    private int unknown;
    private long exactFrom;

    KeyShadow(final int maxKeys)
    {
        final int slots = Integer.highestOneBit(Math.max(2, 2 * maxKeys - 1)) << 1;
        keys = new long[slots];
        states = new int[slots];
        sequences = new long[slots];
        used = new boolean[slots];
        mask = slots - 1;
    }

    /** Forgets every key. */
    void clear()
    {
        java.util.Arrays.fill(used, false);
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
        if (states[slot] == UNKNOWN)
        {
            unknown--;
        }
        states[slot] = toId;
        sequences[slot] = sequence;
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
        return keys.length;
    }

    boolean isUsed(final int slot)
    {
        return used[slot];
    }

    long keyAt(final int slot)
    {
        return keys[slot];
    }

    int stateAt(final int slot)
    {
        return states[slot];
    }

    /** @return the sequence of the latest transition of the key at {@code slot} (for an unknown one: after it). */
    long sequenceAt(final int slot)
    {
        return sequences[slot];
    }

    int size()
    {
        return size;
    }

    private void put(final long key, final int stateId, final long sequence)
    {
        int i = Hashing.hash(key, mask);
        while (used[i])
        {
            if (keys[i] == key)
            {
                unknown -= states[i] == UNKNOWN ? 1 : 0;
                unknown += stateId == UNKNOWN ? 1 : 0;
                states[i] = stateId;
                sequences[i] = sequence;
                return;
            }
            i = i + 1 & mask;
        }
        if (size == mask) // never on a source within its maxKeys: the table is twice that
        {
            throw new IllegalStateException("keyed bridge: more keys than the source's maxKeys");
        }
        used[i] = true;
        keys[i] = key;
        states[i] = stateId;
        sequences[i] = sequence;
        size++;
        unknown += stateId == UNKNOWN ? 1 : 0;
    }

    private int slotOf(final long key)
    {
        for (int i = Hashing.hash(key, mask); used[i]; i = i + 1 & mask)
        {
            if (keys[i] == key)
            {
                return i;
            }
        }
        return -1;
    }

    private void remove(final int slot)
    {
        unknown -= states[slot] == UNKNOWN ? 1 : 0;
        int hole = slot;
        for (int i = slot + 1 & mask; used[i]; i = i + 1 & mask)
        {
            final int home = Hashing.hash(keys[i], mask);
            if ((i - home & mask) >= (i - hole & mask)) // home not in the cyclic range (hole, i]: it may move back
            {
                keys[hole] = keys[i];
                states[hole] = states[i];
                sequences[hole] = sequences[i];
                hole = i;
            }
        }
        used[hole] = false;
        size--;
    }
}
