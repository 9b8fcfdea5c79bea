package io.statebus.aeron;

/**
 * Why a mirror refused a message. Each refusal is counted ({@code malformed}) and told to the
 * {@link MirrorListener}; a refused message never changes a mirrored bus.
 */
public enum MalformedReason
{
    /** Shorter than its type's length (or than {@link WireFormat#LENGTH}, before the type can be read). */
    TOO_SHORT,
    /** Not a StateBus message: another magic. */
    FOREIGN,
    /** A StateBus message of another wire version. */
    VERSION,
    /** An unknown message type. */
    TYPE,
    /** Longer than its type's length, or an extension length other than its type's. */
    LENGTH,
    /** A message of another kind of bus (states, long, keyed) than the one mirrored under its bus id. */
    KIND,
    /** A keyed snapshot run that is not whole (an entry missing, out of order, or of another sequence) or does not
     *  fit the mirror's {@code maxKeys}: counted once, where the run breaks; the mirror ignores the rest of it and
     *  waits for the next run (the tail of a run a mirror joined in the middle of is ignored, not counted). */
    SNAPSHOT,
    /** A bus id no mirror is registered for on this receiver. */
    UNKNOWN_BUS,
    /** Another count of states than the mirror's {@link StateTable}: the two sides disagree on the states. */
    STATE_COUNT,
    /** The same count of states as the mirror's {@link StateTable} but other names, or the same names in another
     *  order (another {@link StateTable#fingerprint()}): the source's ids would name other states here. */
    STATE_NAMES,
    /** A state id outside the table. */
    STATE_ID,
    /** A sequence below 0, a transition at sequence 0, or a keyed bus's sequence at or above 2^50 (its limit). */
    SEQUENCE,
    /** A transition whose {@code from} is not the mirror's current state (chain broken): dropped, so the mirror
     *  reports its sequence as lost when the next one arrives. */
    CHAIN,
    /** A message of a source session that was already replaced by a newer one (a restarted source). */
    STALE_SESSION,
    /** A keyed snapshot run of a source that retires keys on other states ({@code retireOn}) than the mirror's local
     *  bus would: the two would keep and drop keys differently, so the mirror does not start from it. */
    RETIRES_ON
}
