package io.statebus.consume;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The default factory for handler threads: daemon threads named {@code statebus-handler-N}. */
public final class HandlerThreadFactory implements ThreadFactory
{
    private static final AtomicInteger COUNT = new AtomicInteger();

    @Override
    public Thread newThread(final Runnable task)
    {
        final Thread thread = new Thread(task, "statebus-handler-" + COUNT.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }
}
