package io.statebus.aeron;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * An embedded media driver in a directory of its own under /dev/shm (SHARED threading, backing off when idle: one
 * thread, not a spinning one), a client on it; closing removes both and the directory.
 */
final class TestDriver implements AutoCloseable
{
    static final String IPC = "aeron:ipc?term-length=64k";

    final String dir;
    final MediaDriver driver;
    final Aeron aeron;

    private TestDriver(final String dir, final MediaDriver driver, final Aeron aeron)
    {
        this.dir = dir;
        this.driver = driver;
        this.aeron = aeron;
    }

    static TestDriver start(final String tag)
    {
        return start(tag, ctx -> ctx);
    }

    /** A driver whose context {@code adjust} changes further (for example a shorter client liveness timeout). */
    static TestDriver start(final String tag, final java.util.function.UnaryOperator<MediaDriver.Context> adjust)
    {
        final String base = new File("/dev/shm").isDirectory() ? "/dev/shm" : System.getProperty("java.io.tmpdir");
        final String dir = base + "/aeron-sb-" + tag + "-" + ProcessHandle.current().pid() + "-" +
            Long.toHexString(ThreadLocalRandom.current().nextLong());
        final MediaDriver driver = MediaDriver.launchEmbedded(adjust.apply(new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(10, 20, 1_000, 100_000))
            .counterValuesBufferLength(1 << 20)
            .publicationTermBufferLength(64 * 1024)
            .ipcTermBufferLength(64 * 1024)
            // short enough that tests of lost connections finish quickly
            .imageLivenessTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500))
            .publicationConnectionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500))
            .untetheredWindowLimitTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200))
            .untetheredRestingTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200))
            .timerIntervalNs(TimeUnit.MILLISECONDS.toNanos(20))));
        try
        {
            final Aeron aeron = Aeron.connect(client(driver.aeronDirectoryName()));
            return new TestDriver(driver.aeronDirectoryName(), driver, aeron);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            throw ex;
        }
    }

    /** A client context whose error handler prints: Aeron's default one exits the JVM on a driver timeout. */
    static Aeron.Context client(final String dir)
    {
        return new Aeron.Context().aeronDirectoryName(dir)
            .errorHandler(ex -> System.err.println("aeron client (" + dir + "): " + ex));
    }

    /** A UDP unicast channel on 127.0.0.1, on a port free a moment ago. */
    static String udpChannel()
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            return "aeron:udp?endpoint=127.0.0.1:" + socket.getLocalPort() + "|term-length=64k";
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(aeron, driver);
        IoUtil.delete(new File(dir), true); // in case the driver could not remove it
    }
}
