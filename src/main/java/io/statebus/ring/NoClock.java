package io.statebus.ring;

import org.agrona.concurrent.NanoClock;

/** The clock of a bus that does not timestamp: a constant, so the JIT folds the call away. */
public final class NoClock implements NanoClock
{
    /** The one instance; a bus with it allocates no timestamp array. */
    public static final NoClock INSTANCE = new NoClock();

    private NoClock()
    {
    }

    @Override
    public long nanoTime()
    {
        return 0;
    }
}
