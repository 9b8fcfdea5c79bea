package io.statebus.publish;

import com.lmax.disruptor.InsufficientCapacityException;
import io.statebus.ring.LostMarks;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.concurrent.IdleStrategy;

/**
 * The producer of a mirror's bus: it appends another bus's transitions at that bus's sequences, with that bus's
 * timestamps, and records the sequences it never received as lost. {@code set}, {@code trySet},
 * {@code compareAndSet} (and a keyed bus's {@code open} and {@code retire}) are refused: the state belongs to the
 * source. One appending thread: the first one owns the mirror, as a single-producer bus's first publisher owns it.
 *
 * <p>This class holds what every kind of mirror does alike: the owner, the order of sequences, the lost ranges
 * (one write for more than a ring), the claim and back-pressure. A subclass per kind of bus stages a transition
 * (its ids, longs or key), checks its chain ({@link #checkStaged}) and writes it ({@link #writeStaged}).
 *
 * @param <S> the state type
 */
public abstract class MirrorProducer<S> extends Producer<S>
{
    /** Who appends: the subclasses' calls take it ({@link AppendingThread}). */
    final AppendingThread owner;
    private final LostCount lost = new LostCount();
    private long lastLost = -1; // owner only: the highest sequence recorded as lost, or -1
    /** Owner only: where the ring's words were last refreshed ({@link LostMarks#refreshIfDue}), or the start. */
    private long refreshedAt;
    /** The first sequence this kind of bus cannot hold (a keyed bus's key table keeps 50 bits of one). */
    private final long sequenceLimit;

    /** @throws IllegalArgumentException if the ring starts at or past {@code sequenceLimit}. */
    MirrorProducer(final TransitionRing ring, final StateIds<S> ids, final IdleStrategy idle, final long sequenceLimit)
    {
        super(ring, ids, new TransitionRules(ids, null, true), () -> 0, idle);
        this.sequenceLimit = sequenceLimit;
        checkBelowLimit(ring.cursor());
        this.refreshedAt = ring.cursor();
        this.owner = new AppendingThread(ring.cursor());
    }

    /** @return the latest sequence, if open and before {@code sequence} ({@code toId} names a closed refusal's). */
    private long latestBefore(final long sequence, final int toId)
    {
        if (isClosed())
        {
            throw closedFor(toId);
        }
        final long latest = ring.cursor(); // the owner wrote it: no other thread moves it
        if (sequence <= latest)
        {
            throw new IllegalArgumentException("sequence " + sequence + " is not after the latest, " + latest +
                ": a mirror appends each of its source's transitions once, in order");
        }
        checkBelowLimit(sequence);
        return latest;
    }

    /** A sequence this mirror is asked to start at, append or record as lost must fit the kind of bus it is. */
    private void checkBelowLimit(final long sequence)
    {
        if (sequence >= sequenceLimit)
        {
            throw new IllegalArgumentException("this kind of bus takes sequences below 2^" +
                Long.numberOfTrailingZeros(sequenceLimit) + ", got " + sequence);
        }
    }

    /**
     * Checks that the staged transition may be appended at {@code sequence}; changes nothing.
     *
     * @param sequence the source's sequence, after the latest.
     * @param follows  whether it directly follows a transition the mirror has (nothing lost just before it).
     * @throws IllegalArgumentException if the chain would break, or the transition cannot be applied.
     */
    abstract void checkStaged(long sequence, boolean follows);

    /**
     * Writes the staged transition into its claimed slot and publishes it.
     *
     * @param sequence  the claimed sequence.
     * @param timestamp the source's timestamp.
     */
    abstract void writeStaged(long sequence, long timestamp);

    /**
     * Marks every sequence up to {@code lastLostSequence} lost with one write ({@link LostMarks}), state readable.
     *
     * @param lastLostSequence the last lost sequence, more than a ring past the cursor.
     * @param beforeStaged     whether the staged transition follows: the mark then holds its {@code from}, the source's
     *                         state there, which a joiner at the mark starts from; else the latest state known.
     */
    abstract void markLostUpTo(long lastLostSequence, boolean beforeStaged);

    /** @return the staged transition's {@code to} id for the errors that name it, or {@link #VALUE}. */
    abstract int stagedToId();

    @Override
    public final long publishValue(final boolean compare, final long expected, final long next, final long deadline)
    {
        return publish(0, 0, deadline); // refused, as every local change of a mirror is
    }

    @Override
    public final long publishReference(
        final boolean compare, final Object expected, final Object next, final long deadline)
    {
        return publishValue(compare, 0, 0, deadline); // refused, as every local change of a mirror is
    }

    @Override
    public final long publish(final int expectedId, final int toId, final long deadline)
    {
        throw new IllegalStateException("this bus mirrors another bus: its state changes only through its " +
            "mirror's append, with the source's transitions");
    }

    @Override
    public final long runHeld(
        final HeldOperation operation, final int op, final long key, final int a, final int b, final long deadline)
    {
        return publish(a, b, deadline); // refused, as every local change of a mirror is
    }

    /**
     * Appends the staged transition at {@code sequence}; the sequences between the latest and it are lost. The
     * caller owned the mirror ({@link AppendingThread#own}, before staging in the owner's fields) and staged it.
     *
     * @param first     what {@code own()} answered: a refused first call gives the ownership back.
     * @param sequence  the source's sequence, after the latest appended.
     * @param timestamp the source's timestamp.
     * @param deadline  a {@code System.nanoTime()} deadline, {@link PublishResult#NO_DEADLINE}, or
     *                  {@link PublishResult#NO_WAIT} (one attempt, no clock read).
     * @return {@code sequence}, or {@link PublishResult#TIMED_OUT} / {@link PublishResult#INTERRUPTED} with
     *     nothing appended (lost sequences a ring past the latest may have been recorded already).
     * @throws IllegalArgumentException if {@code sequence} is not after the latest, or the chain would break.
     * @throws io.statebus.StateBusClosedException if the bus is closed.
     */
    final long appendStaged(final boolean first, final long sequence, final long timestamp, final long deadline)
    {
        try
        {
            return appendChecked(sequence, timestamp, deadline);
        }
        catch (final RuntimeException ex)
        {
            owner.refused(first, ring.cursor()); // refused having changed nothing: no owner, as before
            throw ex;
        }
    }

    private long appendChecked(final long sequence, final long timestamp, final long deadline)
    {
        final long latest = latestBefore(sequence, stagedToId());
        // after more than a ring lost (an append that then timed out) the latest is a lost sequence: no chain
        checkStaged(sequence, sequence == latest + 1 && !ring.isLost(latest));
        long claimFrom = latest;
        if (sequence - latest > ring.capacity())
        {
            final long skipped = skipMoreThanARing(sequence, latest, deadline);
            if (skipped < 0)
            {
                return skipped;
            }
            claimFrom = skipped;
        }
        final int slots = (int)(sequence - claimFrom);
        final long claimed = claim(slots, deadline);
        if (claimed != 0)
        {
            return claimed;
        }
        if (slots > 1)
        {
            lastLost = sequence - 1; // before the write: a keyed mirror's write reads it for the key's entry
        }
        refreshedAt = LostMarks.refreshIfDue(ring, refreshedAt, claimFrom, sequence);
        writeStaged(sequence, timestamp);
        lost.add(slots - 1);
        return told(sequence);
    }

    /**
     * Records every sequence after the latest up to {@code sequence} as lost, with one write, in one attempt that
     * never waits: the source is known to be at {@code sequence} (a snapshot said so) and nothing of it arrived. The
     * mirror's state stays the latest it knows; each subscription gets the gap notice before the next transition.
     *
     * @param sequence the source's sequence, after the latest.
     * @return true if recorded; false (nothing recorded, to be tried again) while a BLOCK subscription lags.
     * @throws IllegalArgumentException if {@code sequence} is not after the latest, or not below the bus's limit.
     * @throws io.statebus.StateBusClosedException if the bus is closed.
     */
    public final boolean lostUpTo(final long sequence)
    {
        owner.checkMayOwn(); // owned once checked: a refused first call takes no owner
        final long latest = latestBefore(sequence, VALUE);
        if (!ring.hasCapacity(ring.capacity())) // every gate at the cursor: the mark may go in any slot
        {
            return false;
        }
        owner.own();
        recordLost(sequence, latest, false);
        return true;
    }

    /** More than a ring lost: skips it with one write once every gate is at the cursor; the last lost, or a code. */
    private long skipMoreThanARing(final long sequence, final long latest, final long deadline)
    {
        if (!ring.hasCapacity(ring.capacity())) // else nothing to wait for: no wait counted (producerWaits)
        {
            if (deadline == PublishResult.NO_WAIT)
            {
                return PublishResult.TIMED_OUT;
            }
            final long waited = backPressure.awaitCapacity(deadline, this, stagedToId(), ring.capacity());
            if (waited != 0)
            {
                return waited;
            }
        }
        recordLost(sequence - 1, latest, true);
        return sequence - 1;
    }

    /** Publishes every sequence after {@code latest} up to {@code last} as lost, with one write (see markLostUpTo). */
    private void recordLost(final long last, final long latest, final boolean beforeStaged)
    {
        refreshedAt = LostMarks.refreshIfDue(ring, refreshedAt, latest, last);
        markLostUpTo(last, beforeStaged);
        lastLost = last;
        lost.add(last - latest);
        told(last);
    }

    /** Claims {@code slots} at once (lost ones and the transition), waiting while a gate is behind: 0, or a code. */
    private long claim(final int slots, final long deadline)
    {
        while (true)
        {
            // the sequencer's cached gate may be trusted unless a replaying join moved a gate back
            if (backPressure.mayTrustCache() || ring.hasCapacity(slots))
            {
                try
                {
                    ring.claim(slots); // the lost slots keep their older words: readers skip them
                    return 0;
                }
                catch (final InsufficientCapacityException ex)
                {
                    // a BLOCK subscription is behind: wait below
                }
            }
            if (deadline == PublishResult.NO_WAIT)
            {
                return PublishResult.TIMED_OUT; // one attempt, no clock: the caller offers it again later
            }
            final long waited = backPressure.awaitCapacity(deadline, this, stagedToId(), slots);
            if (waited != 0)
            {
                return waited;
            }
        }
    }

    /** @return how many of the source's sequences this mirror never received. */
    public final long lost()
    {
        return lost.get();
    }

    /** @return owner only: the highest sequence recorded as lost, or -1 if none was. */
    final long lastLost()
    {
        return lastLost;
    }

    @Override
    public final void close()
    {
        markClosed();
    }

    @Override
    public final void awaitPublishInProgress()
    {
        // no lock to wait on: an append concurrent with close() may publish once more, as on a single-producer bus
    }

    @Override
    public final boolean hasOneProducer()
    {
        return true;
    }

    @Override
    public final boolean isOnlyProducer(final Thread thread)
    {
        return owner.is(thread);
    }
}
