package io.statebus.aeron;

import io.statebus.StateBus;

/**
 * Told what happens to the mirrored buses of a {@link MirrorReceiver}, on the receiver's duty-cycle thread. Every
 * method has a default that does nothing; the counters record every incident either way. A listener must not block
 * (it runs inside the receiver's poll).
 */
public interface MirrorListener
{
    /**
     * A mirrored bus started: the first message of a source session arrived, and the local bus begins at the
     * source's sequence and state it carried.
     *
     * @param busId    the bus id.
     * @param session  the source's session id.
     * @param bus      the new local bus; null for a long or keyed bus (its {@link MirroredLongBus#bus()} or
     *                 {@link MirroredKeyedBus#bus()} has it).
     * @param sequence the source sequence it starts at.
     */
    default void onStarted(final int busId, final long session, final StateBus<?> bus, final long sequence)
    {
    }

    /**
     * The source restarted: a message of a new session arrived. The old local bus has been closed (its consumers got
     * {@code StateBusClosedException} after the transitions it had), and {@link #onStarted} follows for the new one.
     * Messages of the old session that still arrive are refused as {@link MalformedReason#STALE_SESSION}.
     *
     * @param busId      the bus id.
     * @param oldSession the session that ended.
     * @param newSession the session that replaces it.
     * @param oldBus     the closed local bus of the old session; null for a long or keyed bus.
     */
    default void onSourceRestarted(final int busId, final long oldSession, final long newSession, final StateBus<?> oldBus)
    {
    }

    /**
     * A message was refused; nothing changed.
     *
     * @param busId  the bus id the message carried; -1 for a message refused before its bus id is read, as no
     *               field of it can be trusted ({@code TOO_SHORT}, {@code FOREIGN}, {@code VERSION}, {@code TYPE},
     *               {@code LENGTH}).
     * @param reason why.
     */
    default void onMalformed(final int busId, final MalformedReason reason)
    {
    }

    /**
     * The receiver failed for good (its Aeron subscription closed, or the Aeron client failed, for example after a
     * driver timeout): every mirrored bus has been closed. The same exception is thrown from
     * {@link MirrorReceiver#doWork()} once.
     *
     * @param cause what happened.
     */
    default void onFailed(final Throwable cause)
    {
    }
}
