package io.statebus.aeron.perf;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One phase of a perf row (throughput or latency, one system, one case: a transport and a kind of bus) in a fresh
 * driver and a fresh receiving JVM ({@link RowReceiver}): this JVM sends, the receiver verifies and measures, and
 * prints one {@code RESULT} line. The systems: {@code statebus} ({@link StateBusSender}); {@code aeron}, raw Aeron
 * sending the same bytes as the bridge ({@link RawRunSender}: runs as long as the bridge's were);
 * {@code aeron-per-transition}, raw Aeron sending one message per transition ({@link RawSender}), a second
 * reference.
 */
final class RowPhase
{
    private static final long LATENCY_INTERVAL_NANOS = 20_000;
    /** Throughput blocks left out as warm-up, in a fresh sending and receiving JVM. */
    private static final int WARM_UP = 5;
    /**
     * Latency blocks left out as warm-up (quick: 3 of 10,000 messages; full: 2 of 25,000), in a fresh receiving JVM:
     * at one message every 20 us, the statebus receiving path (receiver, mirror, the local bus's subscription) settles
     * only after about 20,000-25,000 messages, raw Aeron's poll after about 7,500-10,000 (the p50 of each 2,500
     * measured, 2026-12-06); with one block of 10,000 the quick rows' statebus p50 measured its JIT warm-up.
     */
    private static final int LATENCY_WARM_UP_QUICK = 3;
    private static final int LATENCY_WARM_UP_FULL = 2;

    /**
     * One phase's result.
     *
     * @param meanRun transitions per message received in the measured blocks (1 for one message per transition).
     */
    record Result(boolean verified, double opsPerSec, long p50, long p99, long p999, double meanRun)
    {
    }

    private final boolean quick;

    RowPhase(final boolean quick)
    {
        this.quick = quick;
    }

    /**
     * @param meanRun for {@code aeron} over a bus of states: the transitions per message its runs carry on average
     *                (the bridge's, measured in a phase of the same mode); else unused.
     */
    Result run(final Wire.Case row, final String system, final String mode, final double meanRun) throws Exception
    {
        final boolean latency = mode.equals("latency");
        final boolean ipc = row.transport().equals("ipc");
        final long perBlock = latency ? (quick ? 10_000 : 25_000) :
            ipc ? 1_000_000 : (quick ? 200_000 : 500_000);
        // the first blocks are the JIT's (throughput: the statebus path settles after about 6 M transitions in a
        // fresh JVM, raw Aeron's sooner; latency: see LATENCY_WARM_UP_QUICK), then the blocks measured
        final int warmUp = warmUpBlocks(latency);
        final int blocks = warmUp + (latency ? (quick ? 3 : 4) : (quick ? 3 : 5));
        final String dir = "/dev/shm/aeron-sbperf-" + ProcessHandle.current().pid() + "-" +
            Long.toHexString(ThreadLocalRandom.current().nextLong());
        final String channel = Wire.channel(row.transport(), freePort());
        MediaDriver driver = null;
        Aeron aeron = null;
        Process child = null;
        try
        {
            driver = MediaDriver.launchEmbedded(new MediaDriver.Context().aeronDirectoryName(dir)
                .dirDeleteOnStart(true).dirDeleteOnShutdown(true).threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy(100, 10, 1_000, 100_000)).counterValuesBufferLength(1 << 20));
            aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir));
            final ExclusivePublication publication = aeron.addExclusivePublication(channel, Wire.STREAM_ID);
            child = Children.start(RowReceiver.class, dir, channel, system, mode, Long.toString(perBlock),
                Integer.toString(blocks), row.kind().name(), Integer.toString(warmUp));
            final BlockingQueue<String> lines = Children.lines(child);
            final Sender sender = sender(publication, row.kind(), system, latency, meanRun);
            return drive(sender, child, lines, perBlock, perBlock * blocks, warmUp, latency);
        }
        finally
        {
            if (child != null)
            {
                child.destroy();
                child.waitFor(10, TimeUnit.SECONDS);
                child.destroyForcibly();
            }
            CloseHelper.closeAll(aeron, driver);
            IoUtil.delete(new File(dir), true);
        }
    }

    private static Sender sender(final ExclusivePublication publication, final Wire.Kind kind, final String system,
        final boolean latency, final double meanRun)
    {
        return switch (system)
        {
            case "statebus" -> new StateBusSender(publication, kind, latency);
            case "aeron" -> new RawRunSender(publication, kind, meanRun);
            case "aeron-per-transition" -> new RawSender(publication, kind);
            default -> throw new IllegalArgumentException("no such system: " + system);
        };
    }

    /** Waits for the receiver, sends {@code total} messages (paced for latency), and reads its result. */
    private static Result drive(final Sender sender, final Process child, final BlockingQueue<String> lines,
        final long perBlock, final long total, final int warmUp, final boolean latency)
    {
        final IdleStrategy idle = new YieldingIdleStrategy();
        final long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"READY".equals(lines.poll()))
        {
            if (System.nanoTime() > readyBy || !child.isAlive())
            {
                throw new IllegalStateException("the receiver did not get ready");
            }
            idle.idle(sender.pump());
        }
        sendAll(sender, idle, total, latency);
        final long resultBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String line;
        while ((line = lines.poll()) == null || !line.startsWith("RESULT"))
        {
            if (System.nanoTime() > resultBy || (!child.isAlive() && lines.isEmpty()))
            {
                throw new IllegalStateException("the receiver sent no result");
            }
            idle.idle(sender.pump());
        }
        sender.close();
        return parse(line, latency, perBlock, warmUp);
    }

    /** Throughput: as fast as back-pressure lets it; latency: one message every 20 us. */
    private static void sendAll(final Sender sender, final IdleStrategy idle, final long total, final boolean latency)
    {
        if (latency)
        {
            long next = System.nanoTime();
            for (long i = 0; i < total; i++)
            {
                next += LATENCY_INTERVAL_NANOS;
                while (System.nanoTime() < next)
                {
                    idle.idle(sender.pump());
                }
                sender.send(idle);
            }
        }
        else
        {
            for (long i = 0; i < total; i++)
            {
                sender.send(idle);
            }
        }
    }

    private static Result parse(final String line, final boolean latency, final long perBlock, final int warmUp)
    {
        boolean verified = false;
        double ops = 0;
        double meanRun = 1;
        long p50 = 0;
        long p99 = 0;
        long p999 = 0;
        for (final String part : line.split(" "))
        {
            final String[] kv = part.split("=");
            switch (kv[0])
            {
                case "verified" -> verified = kv[1].equals("yes");
                case "p50" -> p50 = Long.parseLong(kv[1]);
                case "p99" -> p99 = Long.parseLong(kv[1]);
                case "p999" -> p999 = Long.parseLong(kv[1]);
                case "blocks_ops_per_sec" ->
                {
                    final double[] blocks = Arrays.stream(kv[1].split(",")).mapToDouble(Double::parseDouble).toArray();
                    // throughput: the warm-up blocks left out (latency reports no blocks' rates)
                    ops = Medians.median(Arrays.copyOfRange(blocks, firstMeasured(blocks.length, warmUp),
                        blocks.length));
                }
                case "blocks_messages" -> meanRun = meanRun(kv.length < 2 ? new long[0] :
                    Arrays.stream(kv[1].split(",")).mapToLong(Long::parseLong).toArray(), perBlock, warmUp);
                default ->
                {
                }
            }
        }
        return new Result(verified, latency ? 0 : ops, p50, p99, p999, meanRun);
    }

    /** @return the first block measured, after the warm-up ones (at least the last block). */
    private static int firstMeasured(final int blocks, final int warmUp)
    {
        return Math.max(0, Math.min(warmUp, blocks - 1));
    }

    private int warmUpBlocks(final boolean latency)
    {
        return !latency ? WARM_UP : quick ? LATENCY_WARM_UP_QUICK : LATENCY_WARM_UP_FULL;
    }

    /** @return the transitions per message in the measured blocks (all of a block's transitions arrived). */
    private static double meanRun(final long[] messages, final long perBlock, final int warmUp)
    {
        long received = 0;
        int measured = 0;
        for (int i = firstMeasured(messages.length, warmUp); i < messages.length; i++, measured++)
        {
            received += messages[i];
        }
        return received == 0 ? 1 : (double)measured * perBlock / received;
    }

    private static int freePort() throws IOException
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
