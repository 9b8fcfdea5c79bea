package io.statebus.publish;

import io.statebus.ring.TransitionRing;
import org.agrona.concurrent.IdleStrategy;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * How a producer waits while a {@code BLOCK} subscription is a whole ring behind, and the counters of those waits.
 *
 * <p>The Disruptor's sequencer caches the slowest gate and re-reads the gates only when the cache says the ring is
 * full: sound while gates only move forward. A subscription that replays moves its gate backwards; for the next
 * ring's worth of claims the producer therefore asks every gate ({@link #checkEveryGateUntil}), after which the
 * cache has been refreshed with the moved gate in it.
 */
public final class BackPressure
{
    private static final VarHandle WAITS;
    private static final VarHandle WAIT_NANOS;
    private static final VarHandle JOINS_ASKED;
    private static final VarHandle JOINS_SEEN;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            WAITS = lookup.findVarHandle(BackPressure.class, "waits", long.class);
            WAIT_NANOS = lookup.findVarHandle(BackPressure.class, "waitNanos", long.class);
            JOINS_ASKED = lookup.findVarHandle(BackPressure.class, "joinsAsked", long.class);
            JOINS_SEEN = lookup.findVarHandle(BackPressure.class, "joinsSeen", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final TransitionRing ring;
    private final IdleStrategy idle;
    /** Claims up to this cursor ask every gate; raised by a replaying join, never lowered. */
    private volatile long everyGateUntil = -1;
    /**
     * Replaying joins that asked a single producer's owner to see their moved-back gate, and how many it has seen
     * ({@link #seeJoins}); see {@code OwnerGate#awaitProducersSeeGate} for the protocol.
     */
    @SuppressWarnings("unused")
    private volatile long joinsAsked;
    private volatile long joinsSeen;
    /** Whether the holder of the right to publish is in {@link #awaitCapacity} (read for a single producer only). */
    private volatile boolean waiting;
    /** Single writer (the thread holding the right to publish); release stores, acquire loads by anyone. */
    @SuppressWarnings("unused")
    private long waits;
    @SuppressWarnings("unused")
    private long waitNanos;

    BackPressure(final TransitionRing ring, final IdleStrategy idle)
    {
        this.ring = ring;
        this.idle = idle;
    }

    /** Whether a claim now may trust the sequencer's cached gate: false for a ring after a gate moved back. */
    boolean mayTrustCache()
    {
        final long until = everyGateUntil;
        return until < 0 || ring.cursor() > until;
    }

    /** Whether a slot is free, asking every gate where the cache may be stale. */
    boolean hasCapacity()
    {
        return ring.hasCapacity(!mayTrustCache());
    }

    /**
     * A replaying join asks the owner to see its gate: a volatile read-modify-write, after the gate's store.
     *
     * @return the number to await in {@link #joinSeen}.
     */
    long askOwner()
    {
        return (long)JOINS_ASKED.getAndAdd(this, 1L) + 1;
    }

    /**
     * @param asked what {@link #askOwner} returned.
     * @return whether the owner has seen that join: every claim it decides from now on reads the moved-back gate.
     */
    boolean joinSeen(final long asked)
    {
        return joinsSeen >= asked;
    }

    /**
     * The holder of the right to publish, before it decides a claim on its full path or while it waits: it has now
     * seen every join that asked (the volatile read orders the join's gate, its {@link #checkEveryGateUntil} and its
     * shutting of the fast path before what follows), and says so after every publish it made before (the volatile
     * store orders them before it).
     */
    void seeJoins()
    {
        final long asked = joinsAsked;
        if (asked != (long)JOINS_SEEN.get(this)) // plain: only the holder of the right to publish writes it
        {
            joinsSeen = asked;
        }
    }

    /**
     * @return whether the holder of the right to publish waits for capacity now. Read after {@link #askOwner}: if
     *     true, every publish it made is ordered before (the volatile store on entry), and it reads the asks again
     *     before its next claim (its store of false on leaving follows this read).
     */
    boolean ownerWaiting()
    {
        return waiting;
    }

    /** A gate moved back at the current cursor: the next ring's worth of claims ask every gate. */
    synchronized void checkEveryGateUntil(final long cursor)
    {
        final long until = cursor + ring.capacity();
        if (until > everyGateUntil)
        {
            everyGateUntil = until;
        }
    }

    /**
     * Waits until a slot is free; claims nothing.
     *
     * @param deadline  a {@code System.nanoTime()} deadline, or {@link PublishResult#NO_DEADLINE}.
     * @param producer  the waiting producer, whose closing ends the wait.
     * @param toId      the state being published, for the error.
     * @return 0, {@link PublishResult#TIMED_OUT} or {@link PublishResult#INTERRUPTED} (deadline calls only; a call
     *     without one keeps the interrupt status and goes on waiting).
     */
    long awaitCapacity(final long deadline, final HeldPublish<?> producer, final int toId)
    {
        return awaitCapacity(deadline, producer, toId, 1);
    }

    /**
     * Waits until {@code slots} slots are free at once (a mirror's lost sequences and the transition after them);
     * claims nothing.
     *
     * @param deadline a {@code System.nanoTime()} deadline, or {@link PublishResult#NO_DEADLINE}.
     * @param producer the waiting producer, whose closing ends the wait.
     * @param toId     the state being published, for the error.
     * @param slots    how many, at most the capacity.
     * @return as {@link #awaitCapacity(long, HeldPublish, int)}.
     */
    long awaitCapacity(final long deadline, final HeldPublish<?> producer, final int toId, final int slots)
    {
        final long start = System.nanoTime();
        boolean interrupted = false;
        idle.reset();
        waiting = true;
        try
        {
            while (true)
            {
                seeJoins();
                if (producer.isClosed())
                {
                    throw producer.closedWhileWaiting(toId);
                }
                if (slots == 1 ? hasCapacity() : ring.hasCapacity(slots))
                {
                    return 0;
                }
                if (deadline != PublishResult.NO_DEADLINE && System.nanoTime() - deadline >= 0)
                {
                    return PublishResult.TIMED_OUT;
                }
                if (Thread.interrupted())
                {
                    if (deadline != PublishResult.NO_DEADLINE)
                    {
                        return PublishResult.INTERRUPTED;
                    }
                    interrupted = true; // clear the flag so parking works; restored below
                }
                idle.idle();
            }
        }
        finally
        {
            waiting = false;
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
            WAITS.setRelease(this, (long)WAITS.get(this) + 1);
            WAIT_NANOS.setRelease(this, (long)WAIT_NANOS.get(this) + (System.nanoTime() - start));
        }
    }

    /**
     * @return how many times a producer found the ring full.
     */
    public long waits()
    {
        return (long)WAITS.getAcquire(this);
    }

    /**
     * @return nanoseconds producers spent waiting for a free slot.
     */
    public long waitNanos()
    {
        return (long)WAIT_NANOS.getAcquire(this);
    }
}
