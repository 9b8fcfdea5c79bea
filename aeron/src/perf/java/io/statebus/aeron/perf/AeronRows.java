package io.statebus.aeron.perf;

import io.statebus.aeron.perf.RowPhase.Result;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static io.statebus.aeron.perf.Medians.fmt;
import static io.statebus.aeron.perf.Medians.max;
import static io.statebus.aeron.perf.Medians.median;
import static io.statebus.aeron.perf.Medians.min;

/**
 * The {@code aeron-ipc} and {@code aeron-udp} perf rows: a source bus, a BLOCK bridge driven in the producer's own
 * duty cycle, Aeron IPC or UDP on 127.0.0.1, and in a second JVM a mirror receiver and the mirror bus's BLOCK
 * subscriber polled in one duty cycle; against raw Aeron sending the same 48 bytes per message ({@code tryClaim},
 * the same idle strategies: yielding application threads, a SHARED driver backing off to at most 100 us parks;
 * 1 MiB terms). Three busy threads in all (sender, driver, receiver) on either side of the comparison.
 *
 * <p>The same for the other kinds of bus ({@link Wire.Kind}), as cases {@code aeron-<transport>-long} (a
 * {@code LongStateBus} set to 1, 2, 3, ...: 64 bytes a message) and {@code aeron-<transport>-keyed} (a
 * {@code KeyedStateBus} of 10,000 keys set round-robin, enum states: 56 bytes; its bridge also sends a snapshot run
 * of its open keys every 100 ms, the default interval, which the raw row has no counterpart of); {@code perf/run}
 * runs {@code aeron-ipc-long} and {@code aeron-ipc-keyed}.
 *
 * <p>Throughput: the sender sends as fast as back-pressure lets it; the receiver times blocks of messages and the
 * first block is warm-up. Latency: one message every 20 us, stamped with {@code System.nanoTime()} at the publish
 * (statebus: the source bus's clock), recorded at the receiving handler (statebus: the mirror subscriber's); the
 * first block is warm-up. Rounds alternate the systems, each phase in fresh JVMs and a fresh driver.
 *
 * <p>The parts: {@link RowPhase} (one phase in fresh JVMs and a fresh driver), {@link StateBusSender} over a
 * {@link SourceBus} of the row's kind, and {@link RawSender} (the two systems' sending sides), {@link RowReceiver}
 * (the receiving JVM) with a {@link MirrorSide} of the row's kind, {@link OneThreadRows}.
 *
 * <p>Also, for {@code aeron-ipc}, {@link OneThreadCost} (for {@code aeron-ipc-long} and {@code aeron-ipc-keyed},
 * {@link OneThreadKinds}): the whole path's cost per transition on one thread (rows with threads = 1), the comparison
 * a shared 2-vCPU machine measures most steadily.
 *
 * <p>{@code AeronRows RESULTS_DIR [--quick] [--cases aeron-ipc,aeron-udp,aeron-ipc-long,aeron-ipc-keyed]
 * [--systems statebus,aeron]}: appends rows to RESULTS_DIR/latest.tsv (PERF.md's columns) and writes
 * aeron-rounds.tsv and aeron-notes.txt.
 */
public final class AeronRows
{
    private static final int ROUNDS = 3;

    private final boolean quick;
    private final List<String> systems;
    private final StringBuilder rounds = new StringBuilder();
    private final StringBuilder notes = new StringBuilder();

    private AeronRows(final boolean quick, final List<String> systems)
    {
        this.quick = quick;
        this.systems = systems;
    }

    /**
     * @param args RESULTS_DIR [--quick] [--cases list] [--systems list].
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path results = Paths.get(args[0]);
        boolean quick = false;
        List<String> cases = List.of("aeron-ipc", "aeron-udp", "aeron-ipc-long", "aeron-ipc-keyed");
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
        final StringBuilder tsv = new StringBuilder();
        rounds.append("case\tsystem\tround\tops_per_sec\tp50_ns\tp99_ns\tp999_ns\tverified\n");
        for (final String kase : cases)
        {
            tsv.append(runCase(kase));
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

    /** The rounds of one case, the systems alternating which goes first; @return its rows for latest.tsv. */
    private String runCase(final String kase) throws Exception
    {
        final Wire.Case row = Wire.Case.parse(kase);
        final RowPhase phase = new RowPhase(quick);
        final List<Result> statebus = new ArrayList<>();
        final List<Result> raw = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++)
        {
            final boolean statebusFirst = round % 2 == 1;
            for (int k = 0; k < 2; k++)
            {
                final String system = (k == 0) == statebusFirst ? "statebus" : "aeron";
                if (systems.contains(system))
                {
                    System.out.printf("== %s %s round %d of %d%n", kase, system, round, ROUNDS);
                    final Result throughput = phase.run(row, system, "throughput");
                    final Result latency = phase.run(row, system, "latency");
                    final Result both = new Result(throughput.verified() && latency.verified(),
                        throughput.opsPerSec(), latency.p50(), latency.p99(), latency.p999());
                    (system.equals("statebus") ? statebus : raw).add(both);
                    recordRound(kase, system, round, both);
                }
            }
        }
        final StringBuilder tsv = new StringBuilder();
        if (row.transport().equals("ipc") && systems.size() == 2)
        {
            tsv.append(oneThread(row).run(ROUNDS));
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
        return tsv.toString();
    }

    /** The one-thread rows of an IPC case: {@link OneThreadCost} for a bus of states, else {@link OneThreadKinds}. */
    private OneThreadRows oneThread(final Wire.Case row)
    {
        return row.kind() == Wire.Kind.STATES ? new OneThreadRows(quick, rounds, notes) :
            new OneThreadRows(quick, rounds, notes, row.name(), OneThreadKinds.class, row.kind().name());
    }

    private void recordRound(final String kase, final String system, final int round, final Result both)
    {
        rounds.append(String.format(Locale.ROOT, "%s\t%s\t%d\t%.0f\t%d\t%d\t%d\t%s%n", kase, system, round,
            both.opsPerSec(), both.p50(), both.p99(), both.p999(), both.verified() ? "yes" : "no"));
        System.out.printf(Locale.ROOT, "   %.2f M/s  p50 %d ns  p99 %d ns  p99.9 %d ns  verified %s%n",
            both.opsPerSec() / 1e6, both.p50(), both.p99(), both.p999(), both.verified() ? "yes" : "no");
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
            "target <= 1.2), per round: %s / %s%n", kase, median(ops), min(ops), max(ops), median(p99), min(p99),
            max(p99), fmt(ops), fmt(p99)));
    }
}
