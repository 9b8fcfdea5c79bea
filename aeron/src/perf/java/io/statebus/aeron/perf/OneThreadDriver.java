package io.statebus.aeron.perf;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.File;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The one-thread tools' Aeron ({@link OneThreadCost}, {@link OneThreadKinds}, {@link SenderCost}): an embedded
 * SHARED driver backing off to 10 us parks (it only moves the publication limit; it is not what is measured), in a
 * fresh directory under {@code /dev/shm}, and a client of it; closing closes both and deletes the directory.
 */
final class OneThreadDriver implements AutoCloseable
{
    private final String dir;
    private final MediaDriver driver;
    private final Aeron aeron;

    /** @param name part of the directory's name, after {@code aeron-}. */
    OneThreadDriver(final String name)
    {
        dir = "/dev/shm/aeron-" + name + "-" + ProcessHandle.current().pid() + "-" +
            Long.toHexString(ThreadLocalRandom.current().nextLong());
        MediaDriver launched = null;
        try
        {
            launched = MediaDriver.launchEmbedded(new MediaDriver.Context().aeronDirectoryName(dir)
                .dirDeleteOnStart(true).dirDeleteOnShutdown(true).threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy(100, 10, 1_000, 10_000)));
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir));
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(launched);
            IoUtil.delete(new File(dir), true);
            throw ex;
        }
        driver = launched;
    }

    Aeron aeron()
    {
        return aeron;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(aeron, driver);
        IoUtil.delete(new File(dir), true);
    }
}
