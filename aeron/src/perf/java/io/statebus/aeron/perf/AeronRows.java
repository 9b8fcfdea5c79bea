package io.statebus.aeron.perf;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.BufferClaim;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.aeron.StateTable;
import io.statebus.aeron.TransitionBridge;
import io.statebus.aeron.WireFormat;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The {@code aeron-ipc} and {@code aeron-udp} perf rows: a source bus, a BLOCK bridge driven in the producer's own
 * duty cycle, Aeron IPC or UDP on 127.0.0.1, and in a second JVM a mirror receiver and the mirror bus's BLOCK
 * subscriber polled in one duty cycle; against raw Aeron sending the same 48 bytes per message ({@code tryClaim},
 * the same idle strategies: yielding application threads, a SHARED driver backing off to at most 100 us parks;
 * 1 MiB terms). Three busy threads in all
 * (sender, driver, receiver) on either side of the comparison.
 *
 * <p>Throughput: the sender sends as fast as back-pressure lets it; the receiver times blocks of messages and the
 * first block is warm-up. Latency: one message every 20 us, stamped with {@code System.nanoTime()} at the publish
 * (statebus: the source bus's clock), recorded at the receiving handler (statebus: the mirror subscriber's); the
 * first block is warm-up. Rounds alternate the systems, each phase in fresh JVMs and a fresh driver.
 *
 * <p>{@code AeronRows RESULTS_DIR [--quick] [--cases aeron-ipc,aeron-udp] [--systems statebus,aeron]}: appends rows to RESULTS_DIR/latest.tsv
 * (PERF.md's columns) and writes aeron-rounds.tsv and aeron-notes.txt.
 */
public final class AeronRows
{
    private static final String FLAG = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";
    private static final long LATENCY_INTERVAL_NANOS = 20_000;

    private final boolean quick;
    private final List<String> systems;
    private final StringBuilder rounds = new StringBuilder();
    private final StringBuilder notes = new StringBuilder();

    private AeronRows(final boolean quick, final List<String> systems)
    {
        this.quick = quick;
        this.systems = systems;
    }

    /** One phase's result. */
    private record Result(boolean verified, double opsPerSec, long p50, long p99, long p999)
    {
    }

    /**
     * @param args RESULTS_DIR [--quick] [--cases list].
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path results = Paths.get(args[0]);
        boolean quick = false;
        List<String> cases = List.of("aeron-ipc", "aeron-udp");
        List<String> systems = List.of("statebus", "aeron");
        for (int i = 1; i < args.length; i++)
        {
            if (args[i].equals("--quick"))
            {
                quick = true;
            }
            else if (args[i].equals("--cases"))
            {
                cases = Arrays.asList(args[++i].split(","));
            }
            else if (args[i].equals("--systems"))
            {
                systems = Arrays.asList(args[++i].split(","));
            }
        }
        Files.createDirectories(results);
        new AeronRows(quick, systems).run(results, cases);
    }

    private void run(final Path results, final List<String> cases) throws Exception
    {
        final int roundCount = 3;
        final StringBuilder tsv = new StringBuilder();
        rounds.append("case\tsystem\tround\tops_per_sec\tp50_ns\tp99_ns\tp999_ns\tverified\n");
        for (final String kase : cases)
        {
            final String transport = kase.substring("aeron-".length());
            final List<Result> statebus = new ArrayList<>();
            final List<Result> raw = new ArrayList<>();
            for (int round = 1; round <= roundCount; round++)
            {
                final boolean statebusFirst = round % 2 == 1;
                for (int k = 0; k < 2; k++)
                {
                    final String system = (k == 0) == statebusFirst ? "statebus" : "aeron";
                    if (!systems.contains(system))
                    {
                        continue;
                    }
                    System.out.printf("== %s %s round %d of %d%n", kase, system, round, roundCount);
                    final Result throughput = phase(transport, system, "throughput");
                    final Result latency = phase(transport, system, "latency");
                    final Result both = new Result(throughput.verified() && latency.verified(),
                        throughput.opsPerSec(), latency.p50(), latency.p99(), latency.p999());
                    (system.equals("statebus") ? statebus : raw).add(both);
                    rounds.append(String.format(Locale.ROOT, "%s\t%s\t%d\t%.0f\t%d\t%d\t%d\t%s%n", kase, system, round,
                        both.opsPerSec(), both.p50(), both.p99(), both.p999(), both.verified() ? "yes" : "no"));
                    System.out.printf(Locale.ROOT, "   %.2f M/s  p50 %d ns  p99 %d ns  p99.9 %d ns  verified %s%n",
                        both.opsPerSec() / 1e6, both.p50(), both.p99(), both.p999(), both.verified() ? "yes" : "no");
                }
            }
            if (!statebus.isEmpty())
            {
                tsv.append(row(kase, "statebus", statebus));
            }
            if (!raw.isEmpty())
            {
                tsv.append(row(kase, "aeron", raw));
            }
            ratios(kase, statebus, raw);
        }
        final Path latest = results.resolve("latest.tsv");
        if (!Files.exists(latest))
        {
            Files.writeString(latest,
                "case\tsystem\twait\tthreads\tops_per_sec\tp50_ns\tp99_ns\tp999_ns\tbytes_per_op\tverified\n");
        }
        Files.writeString(latest, tsv, StandardOpenOption.APPEND);
        Files.writeString(results.resolve("aeron-rounds.tsv"), rounds);
        Files.writeString(results.resolve("aeron-notes.txt"), notes);
        System.out.print(tsv);
        System.out.print(notes);
    }

    private static String row(final String kase, final String system, final List<Result> results)
    {
        final boolean verified = results.stream().allMatch(Result::verified);
        return String.format(Locale.ROOT, "%s\t%s\tyielding\t3\t%.0f\t%d\t%d\t%d\t-\t%s%n", kase, system,
            median(results.stream().mapToDouble(Result::opsPerSec).toArray()),
            (long)median(results.stream().mapToDouble(Result::p50).toArray()),
            (long)median(results.stream().mapToDouble(Result::p99).toArray()),
            (long)median(results.stream().mapToDouble(Result::p999).toArray()), verified ? "yes" : "no");
    }

    private void ratios(final String kase, final List<Result> statebus, final List<Result> raw)
    {
        final int n = Math.min(statebus.size(), raw.size());
        final double[] ops = new double[n];
        final double[] p99 = new double[n];
        for (int i = 0; i < n; i++)
        {
            ops[i] = statebus.get(i).opsPerSec() / raw.get(i).opsPerSec();
            p99[i] = (double)statebus.get(i).p99() / Math.max(1, raw.get(i).p99());
        }
        notes.append(String.format(Locale.ROOT,
            "%s: statebus/aeron throughput %.2f (min %.2f, max %.2f; target >= 0.9), p99 %.2f (min %.2f, max %.2f; " +
            "target <= 1.2), per round: %s / %s%n", kase, median(ops), Arrays.stream(ops).min().orElse(0),
            Arrays.stream(ops).max().orElse(0), median(p99), Arrays.stream(p99).min().orElse(0),
            Arrays.stream(p99).max().orElse(0), fmt(ops), fmt(p99)));
    }

    private static String fmt(final double[] values)
    {
        final StringBuilder s = new StringBuilder();
        for (final double v : values)
        {
            s.append(s.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.2f", v));
        }
        return s.toString();
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private Result phase(final String transport, final String system, final String mode) throws Exception
    {
        final boolean latency = mode.equals("latency");
        final boolean ipc = transport.equals("ipc");
        final long perBlock = latency ? (quick ? 10_000 : 25_000) :
            ipc ? (quick ? 500_000 : 1_000_000) : (quick ? 200_000 : 500_000);
        final int blocks = quick ? 3 : 5;
        final String dir = "/dev/shm/aeron-sbperf-" + ProcessHandle.current().pid() + "-" +
            Long.toHexString(ThreadLocalRandom.current().nextLong());
        final String channel = Wire.channel(transport, freePort());
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
            child = startReceiver(dir, channel, system, mode, perBlock, blocks);
            final BlockingQueue<String> lines = lines(child);
            final Sender sender = system.equals("statebus") ? new StateBusSender(publication, latency) :
                new RawSender(publication);
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
            final long total = perBlock * blocks;
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
            return parse(line, latency);
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

    private static Result parse(final String line, final boolean latency)
    {
        boolean verified = false;
        double ops = 0;
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
                    ops = median(Arrays.copyOfRange(blocks, 1, blocks.length)); // block 0 warms up
                }
                default ->
                {
                }
            }
        }
        return new Result(verified, latency ? 0 : ops, p50, p99, p999);
    }

    private static Process startReceiver(final String dir, final String channel, final String system,
        final String mode, final long perBlock, final int blocks) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(FLAG.split(" ")));
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"),
            RowReceiver.class.getName(), dir, channel, system, mode, Long.toString(perBlock),
            Integer.toString(blocks)));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static BlockingQueue<String> lines(final Process child)
    {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8)))
            {
                for (String line = in.readLine(); line != null; line = in.readLine())
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignored)
            {
                // the receiver ended
            }
        }, "receiver-stdout");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static int freePort() throws IOException
    {
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    /** One system's sending side. */
    private interface Sender extends AutoCloseable
    {
        /** Sends one message, waiting with {@code idle} while back-pressured. */
        void send(IdleStrategy idle);

        /** Background duty between sends: the bridge's duty cycle, or nothing. */
        int pump();

        @Override
        void close();
    }

    /** Raw Aeron: the same 48 bytes as a StateBus transition, written in place with tryClaim. */
    private static final class RawSender implements Sender
    {
        private final ExclusivePublication publication;
        private final BufferClaim claim = new BufferClaim();
        private long sequence;

        RawSender(final ExclusivePublication publication)
        {
            this.publication = publication;
        }

        @Override
        public void send(final IdleStrategy idle)
        {
            final long seq = ++sequence;
            while (publication.tryClaim(WireFormat.LENGTH, claim) <= 0)
            {
                idle.idle(0);
            }
            final MutableDirectBuffer b = claim.buffer();
            final int o = claim.offset();
            final ByteOrder le = ByteOrder.LITTLE_ENDIAN;
            b.putInt(o, WireFormat.MAGIC, le);
            b.putByte(o + 4, WireFormat.VERSION);
            b.putByte(o + 5, WireFormat.TRANSITION);
            b.putShort(o + 6, (short)0, le);
            b.putInt(o + 8, Wire.BUS_ID, le);
            b.putShort(o + 12, (short)4, le);
            b.putShort(o + 14, (short)0, le);
            b.putLong(o + 16, 42, le);
            b.putLong(o + 24, seq, le);
            b.putLong(o + 32, System.nanoTime(), le);
            b.putInt(o + 40, (int)((seq - 1) & 3), le);
            b.putInt(o + 44, (int)(seq & 3), le);
            claim.commit();
        }

        @Override
        public int pump()
        {
            return 0;
        }

        @Override
        public void close()
        {
        }
    }

    /** StateBus: set on a single-producer bus, the BLOCK bridge run in the same duty cycle. */
    private static final class StateBusSender implements Sender
    {
        private static final int RING = 1024;
        private final StateBus<Wire.Phase> bus;
        private final TransitionBridge<Wire.Phase> bridge;
        private final boolean latency;
        private Wire.Phase state = Wire.Phase.PRE_OPEN;

        StateBusSender(final ExclusivePublication publication, final boolean latency)
        {
            // the bus's clock stamps each transition: what the receiver measures latency from (the raw sender
            // stamps with System.nanoTime() too)
            this.latency = latency;
            this.bus = StateBus.builder(Wire.Phase.PRE_OPEN).capacity(RING).producerMode(ProducerMode.SINGLE)
                .clock(SystemNanoClock.INSTANCE).build();
            this.bridge = TransitionBridge.builder(bus, StateTable.forEnum(Wire.Phase.class), publication)
                .busId(Wire.BUS_ID).policy(Policy.BLOCK).build();
        }

        @Override
        public void send(final IdleStrategy idle)
        {
            // never more than a ring ahead of the bridge: set() would wait for this very thread
            while (bus.latestSequence() - bridge.subscription().position() >= RING - 1)
            {
                idle.idle(bridge.doWork());
            }
            state = state.next();
            bus.set(state);
            if (latency || (bus.latestSequence() & 63) == 0)
            {
                bridge.doWork(); // latency: send it now; throughput: in batches of 64
            }
        }

        @Override
        public int pump()
        {
            return bridge.doWork();
        }

        @Override
        public void close()
        {
            bridge.close();
            bus.close();
        }
    }
}
