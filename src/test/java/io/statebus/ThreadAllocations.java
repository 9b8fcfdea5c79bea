package io.statebus;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The allocation tests' counter: the JVM's per-thread allocated-bytes counter, switched on; the calling test is
 * skipped (not passed) on a JVM that has none.
 */
final class ThreadAllocations
{
    private ThreadAllocations()
    {
    }

    static com.sun.management.ThreadMXBean counter()
    {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
            "this JVM has no per-thread allocation counter");
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "per-thread allocation counter not supported");
        threads.setThreadAllocatedMemoryEnabled(true);
        return threads;
    }
}
