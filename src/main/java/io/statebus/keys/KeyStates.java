package io.statebus.keys;

import io.statebus.ring.TransitionRing;

/**
 * A keyed bus's lock-free read of one key's current state, by any thread: linearizable, and never ahead of the
 * ring (a state {@code get} returns is one a subscriber has been, or can be, delivered).
 *
 * <p>It reads the key's entry, then the cursor. If the cursor has reached the entry's transition, the state is its
 * {@code to}: no later transition of the key can have been published without a newer entry, and between the two
 * reads there was an instant when this one was the key's latest. If not, the transition is the one change in flight
 * (a keyed bus claims and publishes one at a time), and the state is its {@code from}, which the table's note of
 * that change holds ({@link KeyTable#inFlight}); unless a later claim has replaced the note, which it does only
 * after this change was published: the state is then its {@code to}.
 */
public final class KeyStates
{
    private final KeyTable table;
    private final TransitionRing ring;

    /**
     * @param table the live keys.
     * @param ring  the keyed ring their transitions are published on.
     */
    public KeyStates(final KeyTable table, final TransitionRing ring)
    {
        this.table = table;
        this.ring = ring;
    }

    /**
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
        final long sequence = KeyEntry.sequence(entry);
        if (sequence <= ring.cursor()) // acquire, after the entry's read
        {
            return KeyEntry.stateId(entry);
        }
        if (KeyEntry.isOpening(entry))
        {
            return -1; // its opening is not published yet
        }
        final long note = table.inFlight(); // acquire, after the cursor's read
        return KeyEntry.inFlightSequence(note) == sequence ? KeyEntry.inFlightFromId(note) : KeyEntry.stateId(entry);
    }

    /**
     * @param key a key.
     * @return its state id now.
     * @throws IllegalArgumentException if it is not open.
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
     * @param key a key that is not open.
     * @return the exception that says so.
     */
    public static IllegalArgumentException unknown(final long key)
    {
        return new IllegalArgumentException("key " + key + " is not open: never opened, or retired");
    }
}
