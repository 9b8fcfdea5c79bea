package io.statebus.aeron;

import io.statebus.StateBusClosedException;

/**
 * Applies a mirrored bus's messages to the local bus of the current source session: appends each transition at the
 * source's sequence (the core's {@code Mirror} or {@code LongMirror} records a jump as one exact gap and checks the
 * chain), counts gaps once per jump, and replaces the local bus when a new session starts, retiring the old session.
 * Written by the receiver's duty-cycle thread only; the counts are volatile for readers on other threads.
 */
final class SessionMirror
{
    /** The local mirror of one session, of any kind of bus: what this class needs of it. */
    interface Local
    {
        /** @return the mirror's latest sequence. */
        long latestSequence();

        /** @return the sequences it never received. */
        long lost();

        /**
         * Appends the message being applied, in one attempt that never waits.
         *
         * @return false if a {@code BLOCK} subscription holds it back.
         * @throws IllegalArgumentException if its chain is broken.
         * @throws StateBusClosedException  if the local bus is closed.
         */
        boolean tryAppendMessage();

        /** Closes the local bus. */
        void close();
    }

    /** What became of one message offered to the local bus. */
    enum Appended
    {
        /** Appended at its sequence (with a gap notice first if sequences were missing). */
        APPENDED,
        /** A snapshot or a repeat of what the local bus already has: nothing to do. */
        ALREADY_HAD,
        /** A {@code BLOCK} subscription of the local bus is a ring behind: offer the message again later. */
        HELD_BACK,
        /** Its {@code from} is not the local bus's state: dropped, reported as lost when the next one arrives. */
        CHAIN_BROKEN,
        /** A join point (from unknown) after the session's first message: refused. */
        NOT_A_JOIN_POINT,
        /** The application closed the local bus. */
        BUS_CLOSED
    }

    private final RetiredSessions retired = new RetiredSessions();
    private Local mirror;
    private long session;
    private long countedJump = -1;
    private boolean progressed; // an append attempt since the last publishProgress

    // single writer (the duty cycle); volatile for readers elsewhere
    private volatile long lost;
    private volatile long gaps;
    private volatile long sessions;
    private volatile long latest = -1;

    /** @return true if {@code messageSession} is the session the local bus mirrors now. */
    boolean isCurrent(final long messageSession)
    {
        return mirror != null && messageSession == session;
    }

    boolean isRetired(final long messageSession)
    {
        return retired.contains(messageSession);
    }

    /**
     * Makes {@code started} the local bus, of {@code newSession} from {@code sequence}; closes and retires the old one.
     *
     * @return the old mirror (closed), or null if this is the first session.
     */
    Local replace(final long newSession, final Local started, final long sequence)
    {
        final Local old = mirror;
        if (old != null)
        {
            retired.add(session);
            old.close();
        }
        mirror = started;
        session = newSession; // before the volatile sessions store: a reader of sessions() then sees it (session())
        sessions++;
        countedJump = -1;
        gaps = 0;
        lost = 0;
        latest = sequence;
        return old;
    }

    /**
     * Offers one message of the current session to the local bus: one attempt, no wait, no clock read.
     *
     * @param sequence    the message's sequence.
     * @param fromUnknown whether it is a join point whose {@code from} the bridge never saw.
     */
    Appended append(final long sequence, final boolean fromUnknown)
    {
        final long latestSequence = mirror.latestSequence();
        if (sequence <= latestSequence)
        {
            return Appended.ALREADY_HAD;
        }
        if (fromUnknown)
        {
            return Appended.NOT_A_JOIN_POINT; // only a session's first message may be its join point
        }
        if (sequence > latestSequence + 1 && sequence != countedJump)
        {
            countedJump = sequence; // one gap per jump, however many attempts the append takes
            gaps++;
        }
        try
        {
            // a BLOCK subscription a ring behind leaves the message in the stream
            return mirror.tryAppendMessage() ? Appended.APPENDED : Appended.HELD_BACK;
        }
        catch (final IllegalArgumentException ex)
        {
            // the only one left: from is not the current state (the sequence was checked above), chain broken
            return Appended.CHAIN_BROKEN;
        }
        catch (final StateBusClosedException ex)
        {
            return Appended.BUS_CLOSED;
        }
    }

    /** After each append attempt (a loss of more than a ring may be recorded by an attempt that was held back). */
    void noteProgress()
    {
        progressed = true;
    }

    /**
     * Publishes lost and latest if an append was attempted since the last call: once per receiver duty cycle, not
     * per message, because each is a volatile store (a full fence on x86), which cost more than the rest of the
     * bookkeeping of a message. The duty cycle calls it before it returns, so a caller of doWork, and any thread
     * after that, sees the values of every message polled.
     */
    void publishProgress()
    {
        if (progressed)
        {
            progressed = false;
            lost = mirror.lost();
            latest = mirror.latestSequence();
        }
    }

    long session()
    {
        return session;
    }

    long lost()
    {
        return lost;
    }

    long gaps()
    {
        return gaps;
    }

    long sessions()
    {
        return sessions;
    }

    long latest()
    {
        return latest;
    }
}
