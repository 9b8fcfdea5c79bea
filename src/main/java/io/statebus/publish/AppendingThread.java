package io.statebus.publish;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The one thread that appends to a mirror: the first one that does. Set once by CAS; read plainly by the owner (it
 * sees its own write), with a volatile load by others.
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

    private Thread owner;

    /**
     * Makes the calling thread the owner, if none is yet.
     *
     * @throws IllegalStateException if another thread owns it.
     */
    void own()
    {
        final Thread current = Thread.currentThread();
        if (owner == current)
        {
            return;
        }
        if (!OWNER.compareAndSet(this, null, current))
        {
            final Thread actual = (Thread)OWNER.getVolatile(this); // volatile: another thread's CAS
            if (actual != current)
            {
                throw new IllegalStateException("mirror: thread '" + current.getName() + "' may not append, " +
                    "thread '" + actual.getName() + "' appends to it");
            }
        }
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
