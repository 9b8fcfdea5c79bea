package io.statebus.aeron.perf;

import io.statebus.aeron.perf.RowPhase.Result;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static io.statebus.aeron.perf.Medians.fmt;
import static io.statebus.aeron.perf.Medians.max;
import static io.statebus.aeron.perf.Medians.median;
import static io.statebus.aeron.perf.Medians.min;

/**
 * The {@code aeron-ipc} and {@code aeron-udp} perf rows: a source bus, a BLOCK bridge driven in the producer's own
 * duty cycle, Aeron IPC or UDP on 127.0.0.1, and in a second JVM a mirror receiver and the mirror bus's BLOCK
 * subscriber polled in one duty cycle; against raw Aeron sending the same bytes ({@code aeron}: the bridge sends a
 * bus of states's transitions in runs, so {@link RawRunSender} sends runs of the same layout, as many transitions a
 * message as the bridge's phase of the same mode carried on average) and, a second reference, raw Aeron sending one
 * 48-byte message per transition ({@code aeron-per-transition}, {@link RawSender}); with {@code tryClaim} and the
 * same idle strategies: yielding application threads, a SHARED driver backing off to at most 100 us parks; 1 MiB
 * terms. Three busy threads in all (sender, driver, receiver) on either side of the comparison. The ratio against
 * {@code aeron} is the one judged against issue 17's targets.
 *
 * <p>The same for the other kinds of bus ({@link Wire.Kind}), as cases {@code aeron-<transport>-long} (a
 * {@code LongStateBus} set to 1, 2, 3, ...) and {@code aeron-<transport>-keyed} (a {@code KeyedStateBus} of 10,000
 * keys set round-robin, enum states; both in runs since wire version 6, 64 or 56 + 32 (n - 1) bytes a message, and
 * their {@code aeron} peer sends runs of that layout, {@link RawRunSender}; its bridge also sends a snapshot run
 * of its open keys every 100 ms, the default interval, which the raw row has no counterpart of); {@code perf/run}
 * runs {@code aeron-ipc-long} and {@code aeron-ipc-keyed}.
 *
 * <p>Throughput: the sender sends as fast as back-pressure lets it; the receiver times blocks of messages and the
 * first 5 blocks are warm-up. Latency: one message every 20 us, stamped with {@code System.nanoTime()} at the publish
 * (statebus: the source bus's clock), recorded at the receiving handler (statebus: the mirror subscriber's); the
 * first 30,000 (quick) or 50,000 messages are warm-up (see {@link RowPhase}). Each round runs every system, in the
 * reverse order of the round before, each phase in fresh JVMs and a fresh driver; a round's ratios compare its
 * phases.
 *
 * <p>The parts: {@link RowPhase} (one phase in fresh JVMs and a fresh driver), {@link StateBusSender} over a
 * {@link SourceBus} of the row's kind, {@link RawRunSender} and {@link RawSender} (the sending sides),
 * {@link RowReceiver} (the receiving JVM) with a {@link MirrorSide} of the row's kind, {@link OneThreadRows}.
 *
 * <p>Also, for {@code aeron-ipc}, {@link OneThreadCost} (for {@code aeron-ipc-long} and {@code aeron-ipc-keyed},
 * {@link OneThreadKinds}): the whole path's cost per transition on one thread (rows with threads = 1), the comparison
 * a shared 2-vCPU machine measures most steadily.
 *
 * <p>{@code AeronRows RESULTS_DIR [--quick] [--cases aeron-ipc,aeron-udp,aeron-ipc-long,aeron-ipc-keyed]
 * [--systems statebus,aeron,aeron-per-transition]}: appends rows to RESULTS_DIR/latest.tsv (PERF.md's columns) and
 * writes aeron-rounds.tsv (with each phase's transitions per message) and aeron-notes.txt.
 */
public final class AeronRows
{
    private static final int ROUNDS = 3;
    /** What a keyed row's statebus side sends beyond the transitions, said wherever its ratio to raw Aeron is. */
    static final String KEYED_SNAPSHOTS = ", but for the keyed bridge's snapshot run of its open keys every 100 ms " +
        "(in pages of up to 83 keys a message on IPC, no transition sent while it runs), which raw Aeron does not send";

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
        List<String> systems = List.of("statebus", "aeron", "aeron-per-transition");
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
        rounds.append("case\tsystem\tround\tops_per_sec\tp50_ns\tp99_ns\tp999_ns\tverified\t" +
            "transitions_per_message_throughput\ttransitions_per_message_latency\n");
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

    /**
     * The rounds of one case, the systems' order reversed every other round; @return its rows for latest.tsv. The
     * same-bytes peer ({@code aeron}) sends runs as long as the bridge's latest phase of the same
     * mode: this round's if statebus went first, else the previous round's.
     */
    private String runCase(final String kase) throws Exception
    {
        final Wire.Case row = Wire.Case.parse(kase);
        final RowPhase phase = new RowPhase(quick);
        final List<String> order = systemsOf(row);
        final Map<String, List<Round>> results = new LinkedHashMap<>();
        order.forEach(system -> results.put(system, new ArrayList<>()));
        double bridgeRunThroughput = Double.NaN; // the bridge's transitions per message, latest statebus phases
        double bridgeRunLatency = Double.NaN;
        for (int round = 1; round <= ROUNDS; round++)
        {
            final List<String> thisRound = new ArrayList<>(order);
            if (round % 2 == 0)
            {
                Collections.reverse(thisRound);
            }
            for (final String system : thisRound)
            {
                System.out.printf("== %s %s round %d of %d%n", kase, system, round, ROUNDS);
                final Result throughput = phase.run(row, system, "throughput", runOr1(bridgeRunThroughput));
                final Result latency = phase.run(row, system, "latency", runOr1(bridgeRunLatency));
                if (system.equals("statebus"))
                {
                    bridgeRunThroughput = throughput.meanRun();
                    bridgeRunLatency = latency.meanRun();
                }
                final Round both = new Round(throughput.verified() && latency.verified(), throughput.opsPerSec(),
                    latency.p50(), latency.p99(), latency.p999(), throughput.meanRun(), latency.meanRun());
                results.get(system).add(both);
                recordRound(kase, system, round, both);
            }
        }
        return rowsAndRatios(row, results);
    }

    /** The one-thread rows (IPC), then each system's row; the ratios to the notes. @return the rows. */
    private String rowsAndRatios(final Wire.Case row, final Map<String, List<Round>> results) throws Exception
    {
        final StringBuilder tsv = new StringBuilder();
        if (row.transport().equals("ipc") && systems.contains("statebus") && systems.contains("aeron"))
        {
            tsv.append(oneThread(row).run(ROUNDS));
        }
        results.forEach((system, rounds) -> tsv.append(row(row.name(), system, rounds)));
        final List<Round> statebus = results.getOrDefault("statebus", List.of());
        ratios(row, "aeron", statebus, results.getOrDefault("aeron", List.of()), results);
        ratios(row, "aeron-per-transition", statebus,
            results.getOrDefault("aeron-per-transition", List.of()), results);
        return tsv.toString();
    }

    /** One round of one system: the throughput phase's rate and runs, the latency phase's percentiles and runs. */
    private record Round(boolean verified, double opsPerSec, long p50, long p99, long p999, double runThroughput,
        double runLatency)
    {
    }

    /** The systems this case runs, as asked (every kind's bridge sends runs since wire version 6). */
    private List<String> systemsOf(final Wire.Case row)
    {
        return new ArrayList<>(systems);
    }

    /** No statebus phase measured yet (the peer ran alone): runs of 1. */
    private static double runOr1(final double meanRun)
    {
        return Double.isNaN(meanRun) ? 1 : meanRun;
    }

    /** The one-thread rows of an IPC case: {@link OneThreadCost} for a bus of states, else {@link OneThreadKinds}. */
    private OneThreadRows oneThread(final Wire.Case row)
    {
        return row.kind() == Wire.Kind.STATES ? new OneThreadRows(quick, rounds, notes) :
            new OneThreadRows(quick, rounds, notes, row.name(), OneThreadKinds.class, row.kind().name());
    }

    private void recordRound(final String kase, final String system, final int round, final Round both)
    {
        rounds.append(String.format(Locale.ROOT, "%s\t%s\t%d\t%.0f\t%d\t%d\t%d\t%s\t%.2f\t%.2f%n", kase, system,
            round, both.opsPerSec(), both.p50(), both.p99(), both.p999(), both.verified() ? "yes" : "no",
            both.runThroughput(), both.runLatency()));
        System.out.printf(Locale.ROOT, "   %.2f M/s  p50 %d ns  p99 %d ns  p99.9 %d ns  verified %s  " +
            "transitions/message %.2f (throughput), %.2f (latency)%n", both.opsPerSec() / 1e6, both.p50(), both.p99(),
            both.p999(), both.verified() ? "yes" : "no", both.runThroughput(), both.runLatency());
    }

    private static String row(final String kase, final String system, final List<Round> results)
    {
        final boolean verified = results.stream().allMatch(Round::verified);
        return String.format(Locale.ROOT, "%s\t%s\tyielding\t3\t%.0f\t%d\t%d\t%d\t-\t%s%n", kase, system,
            median(results.stream().mapToDouble(Round::opsPerSec).toArray()),
            (long)median(results.stream().mapToDouble(Round::p50).toArray()),
            (long)median(results.stream().mapToDouble(Round::p99).toArray()),
            (long)median(results.stream().mapToDouble(Round::p999).toArray()), verified ? "yes" : "no");
    }

    /**
     * One line of aeron-notes.txt: statebus against {@code peer}, round by round (the same round's phases), the
     * median and min–max of the ratios; {@code aeron} (the same bytes) is the one judged against the targets.
     */
    private void ratios(final Wire.Case row, final String peer, final List<Round> statebus, final List<Round> raw,
        final Map<String, List<Round>> all)
    {
        final String kase = row.name();
        final int n = Math.min(statebus.size(), raw.size());
        if (n == 0)
        {
            return;
        }
        final double[] ops = new double[n];
        final double[] p99 = new double[n];
        final double[] p50 = new double[n];
        for (int i = 0; i < n; i++)
        {
            ops[i] = statebus.get(i).opsPerSec() / raw.get(i).opsPerSec();
            p99[i] = (double)statebus.get(i).p99() / Math.max(1, raw.get(i).p99());
            p50[i] = (double)statebus.get(i).p50() / Math.max(1, raw.get(i).p50());
        }
        final boolean judged = peer.equals("aeron");
        notes.append(String.format(Locale.ROOT,
            "%s: statebus/%s throughput %.2f (min %.2f, max %.2f%s), p99 %.2f (min %.2f, max %.2f%s), " +
            "p50 %.2f (min %.2f, max %.2f), per round: %s / %s / %s; %s%n", kase, peer, median(ops), min(ops),
            max(ops), judged ? "; target >= 0.9" : "", median(p99), min(p99), max(p99),
            judged ? "; target <= 1.2" : "", median(p50), min(p50), max(p50), fmt(ops), fmt(p99), fmt(p50),
            judged ? "judged: raw Aeron sending the same bytes" +
            (row.kind() == Wire.Kind.KEYED ? KEYED_SNAPSHOTS : "") + " (" + runs(all) + ")" :
            "a second reference, not judged: raw Aeron sending one 48-byte message per transition"));
    }

    /** The transitions per message each system's phases carried, round by round. */
    private static String runs(final Map<String, List<Round>> all)
    {
        final StringBuilder s = new StringBuilder("transitions per message, throughput / latency phases:");
        all.forEach((system, rounds) -> s.append(' ').append(system).append(' ')
            .append(fmt(rounds.stream().mapToDouble(Round::runThroughput).toArray())).append(" / ")
            .append(fmt(rounds.stream().mapToDouble(Round::runLatency).toArray())).append(';'));
        s.setLength(s.length() - 1);
        return s.toString();
    }
}
