package io.statebus.aeron;

import io.statebus.KeyedStateBus;

import java.util.zip.CRC32C;

/**
 * That a keyed mirror retires keys on the same states as its source ({@link KeyedStateBus#retiresOn}): a mirror
 * built with another {@code retireOn} set would keep or drop keys otherwise than the source, silently. The source's
 * bridge sends the {@link #fingerprint} of its set in each snapshot run's end marker ({@link WireFormat}), and a
 * mirror starts from a run only if it is the fingerprint of its own set; else it refuses the run
 * ({@link MalformedReason#RETIRES_ON}: counted, told to the listener, named in {@code awaitBus}'s exception). A live
 * mirror needs no more checks: it started from a run of its session, and a bus's set is fixed when it is built. The
 * mirror's own set is read from the first local bus it builds from a run (the builder does not expose it); after
 * that, a run of another set is refused before anything is built. Duty-cycle thread only, but for
 * {@link #refusedFingerprint}.
 *
 * @param <S> the state type.
 */
final class RetiresOnCheck<S>
{
    private final StateTable<S> states;
    private boolean known;
    private int own;
    private volatile long refused = -1; // the source's fingerprint (unsigned) when a run was refused; single writer

    RetiresOnCheck(final StateTable<S> states)
    {
        this.states = states;
    }

    /**
     * CRC-32C over the ids of the states that retire a key, in id order, each as 2 bytes, little-endian: 0 for a bus
     * that retires no key (the CRC of nothing). The ids suffice: every keyed message's state-name fingerprint already
     * says that both sides' ids name the same states.
     *
     * @param retires per state id, whether reaching it retires a key.
     * @return the fingerprint of the set.
     */
    static int fingerprint(final boolean[] retires)
    {
        final CRC32C crc = new CRC32C();
        for (int id = 0; id < retires.length; id++)
        {
            if (retires[id])
            {
                crc.update(id & 0xFF);
                crc.update(id >>> 8);
            }
        }
        return (int)crc.getValue();
    }

    /** @return the fingerprint of {@code bus}'s set, its states numbered by {@code table}. */
    static <T> int fingerprint(final KeyedStateBus<T> bus, final StateTable<T> table)
    {
        final boolean[] retires = new boolean[table.size()];
        for (int id = 0; id < retires.length; id++)
        {
            retires[id] = bus.retiresOn(table.stateOf(id));
        }
        return fingerprint(retires);
    }

    /**
     * Before a mirror is built from a run: whether the run's set may be this mirror's.
     *
     * @param source the fingerprint in the run's end marker.
     * @return false if this mirror's set is known and differs (the run is refused); true if it matches or is not
     *     known yet ({@link #matches} tells once built).
     */
    boolean mayMatch(final int source)
    {
        return !known || own == source || refuse(source);
    }

    /**
     * After a mirror was built from a run: whether its local bus retires keys on the source's states.
     *
     * @param source the fingerprint in the run's end marker.
     * @param built  the local bus built from the run (its set is this mirror's).
     * @return true if they agree.
     */
    boolean matches(final int source, final KeyedStateBus<S> built)
    {
        if (!known)
        {
            own = fingerprint(built, states);
            known = true;
        }
        return own == source || refuse(source);
    }

    private boolean refuse(final int source)
    {
        refused = Integer.toUnsignedLong(source);
        return false;
    }

    /** @return the source's fingerprint if a run was refused for it, else -1. */
    long refusedFingerprint()
    {
        return refused;
    }
}
