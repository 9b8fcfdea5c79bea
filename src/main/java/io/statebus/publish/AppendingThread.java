package io.statebus.publish;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The one thread that appends to a mirror: the first one whose call is not refused. Set by CAS; read plainly by the
 * owner (it sees its own write), with a volatile load by others. A first call refused before it changed anything (bad
 * input, the mirror closed) leaves no owner, as a refused first {@code set} on a single-producer bus does: a call
 * that checks its input without staging any checks first ({@link #checkMayOwn}), then owns; an append, which stages
 * its transition in the owner's fields, owns first and gives the ownership back if refused ({@link #refused}).
 */
final class AppendingThread
{
    private static final VarHandle OWNER;

    static
    {
        try
        {
            OWNER = MethodHandles.lookup().findVarHandle(AppendingThread.class, "owner", Thread.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** The mirror's start sequence: its cursor until the first append or loss. */
    private final long start;
    private Thread owner;

    /** @param start the sequence the mirror starts at. */
    AppendingThread(final long start)
    {
        this.start = start;
    }

    /**
     * Checks, taking nothing, that the calling thread may own the mirror: it does, or none does.
     *
     * @throws IllegalStateException if another thread owns it.
     */
    void checkMayOwn()
    {
        final Thread current = Thread.currentThread();
        if (owner != current) // plain: the owner sees its own write; any other thread reads it volatile below
        {
            final Thread actual = (Thread)OWNER.getVolatile(this);
            if (actual != null && actual != current)
            {
                throw notOwner(current, actual);
            }
        }
    }

    /**
     * Makes the calling thread the owner, if none is yet.
     *
     * @return true if this call made it the owner (none was), false if it owned the mirror already.
     * @throws IllegalStateException if another thread owns it.
     */
    boolean own()
    {
        final Thread current = Thread.currentThread();
        if (owner == current)
        {
            return false;
        }
        if (!OWNER.compareAndSet(this, null, current))
        {
            final Thread actual = (Thread)OWNER.getVolatile(this); // volatile: another thread's CAS
            if (actual != current)
            {
                throw notOwner(current, actual);
            }
        }
        return true;
    }

    /**
     * Gives the mirror up after a call that {@link #own()} made its owner was refused having changed nothing (nothing
     * is appended before a first call, so a cursor still at the start means this one appended nothing). Until then a
     * racing thread's first call is refused, as one of two racing first calls is.
     *
     * @param first  what {@link #own()} returned for the call.
     * @param cursor the mirror's cursor now.
     */
    void refused(final boolean first, final long cursor)
    {
        if (first && cursor == start)
        {
            OWNER.compareAndSet(this, Thread.currentThread(), null);
        }
    }

    private static IllegalStateException notOwner(final Thread current, final Thread actual)
    {
        return new IllegalStateException("mirror: thread '" + current.getName() + "' may not append, thread '" +
            actual.getName() + "' appends to it");
    }

    /**
     * @param thread a thread.
     * @return whether it owns the mirror.
     */
    boolean is(final Thread thread)
    {
        return OWNER.getVolatile(this) == thread;
    }
}
