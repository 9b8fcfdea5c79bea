package io.statebus.publish;

import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The single producer's gate: one word that lets its owner skip the owner, closed and listener checks.
 *
 * <p>The gate holds the owner while the bus is open, has no listener and no gate was moved back; null while
 * something needs the full path; {@link #CLOSED_GATE} once closed, for good. Only the owner opens it
 * ({@link #openFastPath}); adding a listener, telling one, moving a gate back and closing shut it. A base class, not
 * a field: the owner's fast path reads the gate in this object, with no dependent load.
 *
 * @param <S> the state type
 */
abstract class FastPathGate<S> extends Producer<S>
{
    private static final Object CLOSED_GATE = new Object();
    /** The gate word; the owner reads it opaque on each publish (see {@link SingleProducer#publish}). */
    static final VarHandle GATE;

    static
    {
        try
        {
            GATE = MethodHandles.lookup().findVarHandle(FastPathGate.class, "gate", Object.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    @SuppressWarnings("unused")
    private Object gate;

    FastPathGate(
        final TransitionRing ring,
        final StateIds<S> ids,
        final TransitionRules rules,
        final NanoClock clock,
        final IdleStrategy idle)
    {
        super(ring, ids, rules, clock, idle);
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
