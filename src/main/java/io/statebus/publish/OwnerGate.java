package io.statebus.publish;

import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The single producer's two words: its owner, the one thread that may publish, set once; and the gate, which lets
 * the owner skip the owner, closed and listener checks.
 *
 * <p>The gate holds the owner while the bus is open, has no listener and no gate was moved back; null while
 * something needs the full path; {@link #CLOSED_GATE} once closed, for good. Only the owner opens it
 * ({@link #openFastPath}); adding a listener, telling one, moving a gate back and closing shut it. A base class, not
 * a field: the owner's fast path reads both in this object, with no dependent load. {@link SingleProducer} makes the owner
 * ({@code own}) and publishes.
 *
 * @param <S> the state type
 */
abstract class OwnerGate<S> extends Producer<S>
{
    private static final Object CLOSED_GATE = new Object();
    /** The owner word. */
    static final VarHandle OWNER;
    /** The gate word; the owner reads it opaque on each publish (see {@link SingleProducer#publish}). */
    static final VarHandle GATE;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            OWNER = lookup.findVarHandle(OwnerGate.class, "owner", Thread.class);
            GATE = lookup.findVarHandle(OwnerGate.class, "gate", Object.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Set once by CAS. Read plainly: the owner sees its own write; any other thread goes to the CAS. */
    Thread owner;
    @SuppressWarnings("unused")
    private Object gate;
    /** The last sequence the fast path may claim ({@link #claimNoFurtherThan}); owner-only after construction. */
    private long lastSequence = Long.MAX_VALUE;

    OwnerGate(
        final TransitionRing ring,
        final StateIds<S> ids,
        final TransitionRules rules,
        final NanoClock clock,
        final IdleStrategy idle)
    {
        super(ring, ids, rules, clock, idle);
    }

    /**
     * @param current the calling thread.
     * @return whether {@code current} owns the bus and its fast path is open. Opaque: a listener registered a
     *     moment ago may not be seen by this publish; the RegistrationWindow covers it (a new listener looks at the
     *     ring once more after the window); a publish that read the gate open before it shut tells the listeners
     *     once it lands ({@link #toldIfShut}), however long the owner paused inside it.
     */
    public final boolean isFastFor(final Thread current)
    {
        return GATE.getOpaque(this) == current;
    }

    /**
     * After a publish on the fast path: tells the listeners if the gate was shut while it ran. The publish decided
     * on the open gate, so a listener that registered since (shutting it) was not told, and if the owner paused
     * between that read and its cursor store longer than the listener's {@link RegistrationWindow}, nothing else
     * wakes it. Read after the cursor store, so this assumes only that store's visibility, as every listener does.
     *
     * @param current   the owner.
     * @param published what the fast path returned.
     * @return {@code published}.
     */
    final long toldIfShut(final Thread current, final long published)
    {
        // opaque: the JIT keeps it after the cursor store (no reordering across a VarHandle access that is not plain),
        // and the CPU may run it earlier only by the store's drain, which the window covers; an acquire read cost a
        // long set 0.3-0.5 ns more, measured side by side (perf/FINDINGS.md section 19)
        return GATE.getOpaque(this) == current ? published : told(published);
    }

    /**
     * The fast path's claim, for the owner with its gate open: on a stamped ring the clock first (its reading left
     * in {@link #claimedAt}, as on the full path), then a claim that never waits.
     *
     * @return the claimed sequence, or {@link PublishResult#FAST_MISS} (the ring is full, or the clock closed the
     *     bus), having then claimed nothing: the full path decides.
     */
    final long claimFast()
    {
        if (!mayClaimFast())
        {
            return PublishResult.FAST_MISS; // before the clock: a miss reads no clock
        }
        if (stamped)
        {
            claimedAt = clock.nanoTime(); // before the claim, as on the full path
            if (isClosed())
            {
                return PublishResult.FAST_MISS;
            }
        }
        return claimNext();
    }

    /**
     * The fast path's own count ({@code nextClaim}, {@code claimLimit}, kept in {@link HeldPublish}: the slowest
     * gate, or the cursor, a ring on). The sequencer's cache holds the same, but its claim carries its slow path (a call) inline, and the JIT
     * then keeps the owner's loop in memory rather than registers (perfasm: nine spills per set). Gates only move
     * on, except one moved back, which shuts the fast path first; a new gate starts at the cursor.
     *
     * @return whether the owner's fast path may claim the next sequence now without waiting: within the limit, or
     *     within a new one once the count is read again (a ring on, or after a claim of the full path). False: the
     *     ring is full, and the full path waits.
     */
    final boolean mayClaimFast()
    {
        return nextClaim <= claimLimit || readClaimAgain();
    }

    /**
     * The next sequence and the limit read again (a call of its own, once a ring or after a full path's claim: the
     * fast path's loop stays small). Only the owner claims, and each of its claims is published before it claims
     * again, so its last claim is the cursor.
     */
    private boolean readClaimAgain()
    {
        nextClaim = sequencer.getCursor() + 1;
        claimLimit = Math.min(sequencer.getMinimumSequence() + ring.capacity(), lastSequence);
        return nextClaim <= claimLimit;
    }

    /**
     * The fast path claims no sequence above {@code last} (a keyed bus's entries hold 50 bits of one): the full path
     * decides, and refuses.
     *
     * @param last the last sequence the fast path may claim.
     */
    public final void claimNoFurtherThan(final long last)
    {
        lastSequence = last;
    }

    /**
     * The owner's claim on its fast path, after {@link #mayClaimFast}: the next sequence, told to the sequencer,
     * whose count the full path claims from.
     */
    final long claimNext()
    {
        final long sequence = nextClaim;
        sequencer.claim(sequence); // a plain store of the sequencer's count: only the owner claims
        nextClaim = sequence + 1;
        return sequence;
    }

    /**
     * A replaying join waits here, after it moved its gate back and shut the fast path, until the owner honours the
     * gate. Why: the owner's fast path reads the gate word opaque and claims within a count it read a ring ago,
     * with no fence after its cursor store; so the join's fenced read of the cursor may miss several publishes
     * that decided from the old count (their stores still buffered), more than the one in flight that the join's
     * check allows for (measured: 816 replayed transitions overwritten in 823,401 joins).
     *
     * <p>The protocol, exact by the memory model, with nothing added to the fast path: the join stores (volatile)
     * the every-gate horizon, the shut gate word and its gate, then asks ({@link BackPressure#askOwner}, a volatile
     * add). The owner, at the top of every full-path claim and of every turn of a wait, reads the asks (volatile),
     * so every claim it decides afterwards reads the moved gate fresh (the horizon forbids the cache; the fast path
     * stays shut); then it answers (a volatile store) after every publish it made before. The join reads the
     * answer, then the cursor: every claim made without the gate is in that cursor. It returns without an answer,
     * as exactly, where no claim can escape that read: no owner yet (the owner takes it by CAS, then reads the
     * asks before its first claim, on the full path: of the two volatile pairs one sees the other); the joining
     * thread is the owner; the owner waits for capacity ({@link BackPressure#ownerWaiting}: it claims nothing
     * there, its publishes are ordered before its entry, and it reads the asks before it claims again); or it has
     * ended ({@link Thread#isAlive} orders its last action before). An owner alive but not publishing for
     * {@link RegistrationWindow#NANOS} is idle: the join then relies on that window's one timing assumption (its
     * stores are visible, its next publish sees the shut gate), which leaves only the publish it may be in, the
     * one the join's check allows for. The join never blocks the owner and waits at most the window.
     */
    @Override
    final void awaitProducersSeeGate()
    {
        final long asked = backPressure.askOwner();
        final Thread joining = Thread.currentThread();
        final long windowEnd = RegistrationWindow.closesAt();
        while (!backPressure.joinSeen(asked))
        {
            final Thread publishing = (Thread)OWNER.getVolatile(this);
            if (publishing == null || publishing == joining || backPressure.ownerWaiting() ||
                !publishing.isAlive() || System.nanoTime() - windowEnd >= 0)
            {
                return;
            }
            Thread.onSpinWait();
        }
    }

    @Override
    public boolean hasOneProducer()
    {
        return true;
    }

    @Override
    public boolean isOnlyProducer(final Thread thread)
    {
        return OWNER.getVolatile(this) == thread;
    }

    @Override
    public void awaitPublishInProgress()
    {
        // no lock to wait on: an owner's set concurrent with close() may publish once more (see StateBus#close)
    }

    /**
     * After a full-path publish: opens the fast path if nothing needs the full one. CAS from null (a closed gate
     * stays closed), then a volatile re-read: against {@link #addListener}, which writes the array, then shuts the
     * gate, whichever goes second sees the other, so the gate never stays open over a listener.
     */
    final void openFastPath(final Thread current)
    {
        if (GATE.getOpaque(this) != current && canBeFast() && GATE.compareAndSet(this, null, current) &&
            !canBeFast())
        {
            GATE.compareAndSet(this, current, null);
        }
    }

    private boolean canBeFast()
    {
        return listeners.current().length == 0 && !isClosed() && backPressure.mayTrustCache();
    }

    /**
     * @return whether the owner's next publish may take the fast path (for tests).
     */
    public boolean fastPathOpen()
    {
        return GATE.getVolatile(this) instanceof Thread;
    }

    private void shutFastPath()
    {
        final Object open = GATE.getVolatile(this);
        if (open instanceof Thread)
        {
            GATE.compareAndSet(this, open, null); // never replaces CLOSED_GATE
        }
    }

    /** A listener told once is told of every later publish: its telling shuts the owner's gate too. */
    @Override
    void listenersSeen()
    {
        shutFastPath();
    }

    @Override
    public void addListener(final PublishListener listener)
    {
        super.addListener(listener);
        shutFastPath(); // after the array: see openFastPath
    }

    /** Shuts the gate for good, then the way in: the owner's next publish takes the full path and fails there. */
    @Override
    public void close()
    {
        GATE.setVolatile(this, CLOSED_GATE); // before the flag: a thread that has seen closed finds the gate closed
        markClosed();
    }
}
