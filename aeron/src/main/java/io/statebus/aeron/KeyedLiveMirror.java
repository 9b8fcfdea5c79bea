package io.statebus.aeron;

import io.statebus.KeyedMirror;
import io.statebus.StateBusClosedException;
import org.agrona.DirectBuffer;

/**
 * The live local copy of a keyed bus's current source session, for {@link MirroredKeyedBus}: the core's
 * {@link KeyedMirror} it appends to, the session it mirrors and the sessions it replaced, and what the duty cycle
 * counts of it. It applies a transition, an explicit retirement, and a whole snapshot run of its own session (a loss
 * the run reveals, a repair of the key table); each says what became of it ({@link Outcome}), which the endpoint
 * turns into an Aeron action and a refusal. Duty-cycle thread only; the counts are volatile for readers elsewhere.
 *
 * @param <S> the state type.
 */
final class KeyedLiveMirror<S>
{
    /** What became of a message applied to the live mirror. */
    enum Outcome
    {
        /** Applied, or nothing to apply. */
        DONE,
        /** A {@code BLOCK} subscription of the local bus is a ring behind: the message stays in the stream. */
        HELD_BACK,
        /** It breaks a key's chain, or cannot be applied: dropped (reported as lost when the next one arrives). */
        CHAIN_BROKEN,
        /** The application closed the local bus: the mirror stops. */
        BUS_CLOSED
    }

    private final StateTable<S> states;
    private final RetiredSessions retired = new RetiredSessions();
    private KeyedMirror<S> mirror; // null before the first whole run
    private long countedJump = -1;
    private long repairedLost; // the mirror's lost count when its key table was last the source's
    // single writer (the duty cycle); volatile for readers elsewhere
    private volatile long session;
    private volatile long sessions;
    private volatile long gaps;
    private volatile long latest = -1;
    private volatile long lost;
    // the transition read last ({@link #read}), which appendRead appends: duty-cycle thread only
    private long readSequence;
    private long readTimestamp;
    private long readKey;
    private int readFromId;
    private int readToId;

    KeyedLiveMirror(final StateTable<S> states)
    {
        this.states = states;
    }

    /** @return true if {@code from} is a session this mirror replaced (a restarted source's old one). */
    boolean isRetired(final long from)
    {
        return retired.contains(from);
    }

    /** @return true if a local bus mirrors session {@code from}. */
    boolean isLive(final long from)
    {
        return mirror != null && from == session;
    }

    /**
     * @return true if a run of the live session at {@code sequence} has nothing new: the mirror lost nothing since
     *     its key table was last the source's, and is at or past the run's sequence.
     */
    boolean isCurrentAt(final long sequence)
    {
        return mirror.lost() == repairedLost && sequence <= mirror.latestSequence();
    }

    /**
     * Reads transition {@code i} of a {@link WireFormat#KEYED_TRANSITION} message at {@code offset} (0: the fixed
     * part's; then the run's entries, {@link ExtendedRun}) and checks it ({@link KeyedMessageCheck#checkTransition}).
     *
     * @return why it may not be applied, or null: then {@link #appendRead} appends it.
     */
    MalformedReason read(final DirectBuffer buffer, final int offset, final int i)
    {
        final long ids;
        if (i == 0)
        {
            readSequence = WireFields.sequence(buffer, offset);
            readTimestamp = WireFields.timestamp(buffer, offset);
            ids = WireFields.states(buffer, offset);
            readKey = WireFields.firstLong(buffer, offset);
        }
        else
        {
            final int entry = ExtendedRun.entryOffset(WireFormat.KEYED, offset, i);
            readSequence = ExtendedRun.sequence(buffer, entry);
            readTimestamp = ExtendedRun.timestamp(buffer, entry);
            ids = ExtendedRun.third(buffer, entry);
            readKey = ExtendedRun.fourth(buffer, entry);
        }
        readFromId = WireFields.fromId(ids);
        readToId = WireFields.toId(ids);
        return KeyedMessageCheck.checkTransition(states, readSequence, readFromId, readToId);
    }

    /** Appends the transition {@link #read} read last (and found fit). */
    Outcome appendRead()
    {
        return append(readSequence, readKey, readFromId, readToId, readTimestamp);
    }

    private Outcome append(final long sequence, final long key, final int fromId, final int toId, final long timestamp)
    {
        final long latestSequence = mirror.latestSequence();
        if (sequence <= latestSequence)
        {
            return Outcome.DONE;
        }
        if (sequence > latestSequence + 1 && sequence != countedJump)
        {
            countedJump = sequence; // one gap per jump, however many attempts the append takes
            gaps++;
        }
        try
        {
            return mirror.tryAppend(sequence, key, states.stateOf(fromId), states.stateOf(toId), timestamp) ?
                Outcome.DONE : Outcome.HELD_BACK;
        }
        catch (final StateBusClosedException ex)
        {
            return Outcome.BUS_CLOSED;
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            return Outcome.CHAIN_BROKEN; // a key's chain broken, or a table full
        }
    }

    /**
     * The source retired a key with {@code retire(key)}: the local bus retires it too, publishing nothing (as the
     * source did), unless its latest transition here is after the source sequence the message retires it as of
     * (reopened since). The position, not the sequence the key was known at: a key this bus took from a snapshot run
     * (seeded, or repaired) is as of the run's sequence here, which may be after the key's own latest transition.
     */
    Outcome retire(final DirectBuffer buffer, final int offset)
    {
        try
        {
            // every transition up to the position came before this message: a key here at or before it is gone
            mirror.retire(WireFields.firstLong(buffer, offset), WireFields.timestamp(buffer, offset));
            return Outcome.DONE;
        }
        catch (final StateBusClosedException ex)
        {
            return Outcome.BUS_CLOSED; // the application closed the local bus: its key table stays as at close
        }
        catch (final IllegalStateException ex)
        {
            return Outcome.CHAIN_BROKEN; // not this thread's mirror: never on the receiver's duty cycle
        }
    }

    /**
     * A whole run of the live session at {@code sequence} arrived: a range it shows lost (the source went on, and
     * idle, while nothing arrived) is recorded as one gap, then the run repairs the key table (keys retired or
     * opened in lost ranges).
     */
    Outcome repair(final KeyedRunCollector<S> runs, final long sequence)
    {
        try
        {
            if (sequence > mirror.latestSequence())
            {
                if (!mirror.lostUpTo(sequence))
                {
                    runs.drop();
                    return Outcome.DONE; // a BLOCK subscription holds the mirror back: the next run tries again
                }
                gaps++;
                countedJump = sequence;
            }
            if (runs.repair(mirror))
            {
                repairedLost = mirror.lost();
            }
            return Outcome.DONE;
        }
        catch (final StateBusClosedException ex)
        {
            runs.drop();
            return Outcome.BUS_CLOSED; // its key table stays as at close
        }
    }

    /**
     * Makes {@code started} (built from a whole run of {@code newSession}) the live mirror; the one it replaces is
     * closed and its session refused from now on.
     *
     * @return the replaced session, or 0 if none (the first start).
     */
    long replace(final long newSession, final KeyedMirror<S> started)
    {
        final KeyedMirror<S> old = mirror;
        final long oldSession = session;
        if (old != null)
        {
            retired.add(oldSession);
            old.close();
        }
        mirror = started;
        session = newSession;
        countedJump = -1;
        repairedLost = 0;
        sessions++;
        publishProgress();
        return old == null ? 0 : oldSession;
    }

    /** Publishes the mirror's latest sequence and lost count to the readers of {@link #latestSequence}, {@link #lost}. */
    void publishProgress()
    {
        final KeyedMirror<S> current = mirror;
        if (current != null)
        {
            latest = current.latestSequence();
            lost = current.lost();
        }
    }

    long session()
    {
        return sessions == 0 ? 0 : session;
    }

    long sessions()
    {
        return sessions;
    }

    long gaps()
    {
        return gaps;
    }

    long latestSequence()
    {
        return latest;
    }

    long lost()
    {
        return lost;
    }
}
