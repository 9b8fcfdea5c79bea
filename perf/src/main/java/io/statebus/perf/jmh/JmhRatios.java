package io.statebus.perf.jmh;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JMH step of perf/run: {@link DrainBenchmark} and {@link LongValuesBenchmark} with several forks (the six
 * statebus / raw Disruptor pairs whose ratios are targets), then the other benchmarks briefly, all with the GC profiler; JMH's own output goes to
 * stdout (perf/run keeps it as jmh.txt). Then prints, and writes to {@code RUN_DIR/jmh-ratios.txt}, each pair's
 * ratio next to its target: the ratio of JMH's scores (the mean over every measured iteration of every fork), its
 * min–max over the per-fork scores (every statebus fork against every raw fork), and statebus's B/op. JMH's
 * JSON results (every fork's iterations) are kept as {@code jmh-drain.json} and {@code jmh-other.json}.
 *
 * <p>Usage: {@code JmhRatios RUN_DIR [forks]}.
 */
public final class JmhRatios
{
    /** statebus benchmark, raw Disruptor benchmark, target ratio. */
    static final String[][] PAIRS = {
        {"statebusPublish", "rawPublish", "1.2"},
        {"statebusPublishAndDrain", "rawPublishAndDrain", "1.1"},
        // the same with a handler reading the new state's index, not the state: reported, no target ("-")
        {"statebusPublishAndDrainByIndex", "rawPublishAndDrain", "-"},
        {"statebusMultiPublish", "rawMultiPublish", "1.2"},
        {"statebusMultiPublishAndDrain", "rawMultiPublishAndDrain", "1.1"},
        // long-values (issue 16): at least 0.9x the raw Disruptor carrying two longs, so a cost at most 1/0.9
        {"statebusLongPublish", "rawTwoLongsPublish", "1.11"},
        {"statebusLongPublishAndDrain", "rawTwoLongsPublishAndDrain", "1.11"},
        // keyed (issue 16): at least 0.9x the raw Disruptor's throughput, and 10x the map-plus-queues answer's
        {"statebusKeyed", "rawKeyed", "1.11"},
        {"statebusKeyed", "mapAndQueues", "0.1"},
        // keyed references, no target ("-"): the raw ring with its states in a hash map (the lookup a bus of any long
        // key needs), and the sets alone with no consumer (KeyedSplitBenchmark)
        {"statebusKeyed", "rawKeyedHashed", "-"},
        {"statebusKeyedSetOnly", "rawKeyedHashedSetOnly", "-"},
        {"statebusKeyedSetOnly", "rawKeyedSetOnly", "-"},
        // reference values (issue 16): reported, no target ("-")
        {"statebusValuePublish", "rawTwoRefsPublish", "-"},
        {"statebusValuePublishAndDrain", "rawTwoRefsPublishAndDrain", "-"},
    };

    /** Where the two sides of some pairs do different work: printed under the table, next to their ratios. */
    static final String[] NOTES = {
        "rawKeyed and rawKeyedSetOnly keep each key's state in an int[] indexed by the key, which works only " +
            "because the keys are 0..9,999; a bus of any long key must hash it, as rawKeyedHashed(SetOnly) does.",
        "statebusValue* / rawTwoRefs*: the young-heap case. The raw ring's events stay young (nothing is collected) " +
            "and skip G1's StoreLoad fence per reference stored; the bus's references array is born old and pays it " +
            "(perf/FINDINGS.md section 11). ValueAgedBenchmark, run on its own, has both sides old.",
    };

    private JmhRatios()
    {
    }

    public static void main(final String[] args) throws RunnerException, IOException
    {
        Locale.setDefault(Locale.ROOT);
        if (args.length < 1)
        {
            System.err.println("usage: JmhRatios RUN_DIR [forks]");
            System.exit(2);
        }
        final Path dir = Paths.get(args[0]);
        final int forks = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        final Collection<RunResult> drain = runTargets(dir, forks);
        runOthers(dir);
        final Collection<RunResult> keyed = runKeyed(dir);

        final Map<String, RunResult> byName = new LinkedHashMap<>();
        putBySimpleName(byName, keyed);
        putBySimpleName(byName, drain);
        final String table = table(byName, forks);
        Files.writeString(dir.resolve("jmh-ratios.txt"), table);
        System.out.println();
        System.out.print(table);
        System.exit(0);
    }

    /** The targets: forks alternate nothing within JMH, so several JVMs per benchmark give the spread. */
    private static Collection<RunResult> runTargets(final Path dir, final int forks) throws RunnerException
    {
        return new Runner(new OptionsBuilder()
            .include(DrainBenchmark.class.getName() + "\\.")
            .include(LongValuesBenchmark.class.getName() + "\\.")
            .addProfiler(GCProfiler.class)
            .forks(forks).warmupIterations(3).warmupTime(TimeValue.seconds(1))
            .measurementIterations(4).measurementTime(TimeValue.seconds(1))
            .resultFormat(ResultFormatType.JSON).result(dir.resolve("jmh-drain.json").toString())
            .build()).run();
    }

    /** The rest (set and set + poll with each wait strategy, the raw ring's floor): one fork, briefly. */
    private static void runOthers(final Path dir) throws RunnerException
    {
        new Runner(new OptionsBuilder()
            .include(PublishBenchmark.class.getName() + "\\.")
            .include(DisruptorPublishBenchmark.class.getName() + "\\.")
            .addProfiler(GCProfiler.class)
            .forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1))
            .measurementIterations(2).measurementTime(TimeValue.seconds(1))
            .resultFormat(ResultFormatType.JSON).result(dir.resolve("jmh-other.json").toString())
            .build()).run();
    }

    /** Issue 16's keyed case (with its references: KeyedSplitBenchmark) and the reference values: two forks. */
    private static Collection<RunResult> runKeyed(final Path dir) throws RunnerException
    {
        return new Runner(new OptionsBuilder()
            .include(KeyedBenchmark.class.getName() + "\\.")
            .include(KeyedSplitBenchmark.class.getName() + "\\.")
            .include(ValueBenchmark.class.getName() + "\\.")
            .addProfiler(GCProfiler.class)
            .forks(2).warmupIterations(3).warmupTime(TimeValue.seconds(1))
            .measurementIterations(4).measurementTime(TimeValue.seconds(1))
            .resultFormat(ResultFormatType.JSON).result(dir.resolve("jmh-keyed.json").toString())
            .build()).run();
    }

    /** Each result under its benchmark method's name (a later one with the same name replaces an earlier one). */
    private static void putBySimpleName(final Map<String, RunResult> byName, final Collection<RunResult> results)
    {
        for (final RunResult r : results)
        {
            final String name = r.getParams().getBenchmark();
            byName.put(name.substring(name.lastIndexOf('.') + 1), r);
        }
    }

    /** The jmh-ratios.txt table: a header, one line per pair of {@link #PAIRS}, then the {@link #NOTES}. */
    static String table(final Map<String, RunResult> byName, final int forks)
    {
        final StringBuilder out = new StringBuilder(String.format(
            "DrainBenchmark and LongValuesBenchmark (%d forks), KeyedBenchmark, KeyedSplitBenchmark and " +
            "ValueBenchmark (2 forks), " +
            "4 x 1 s after 3 x 1 s " +
            "warm-up, ns per transition; ratio of the scores, " +
            "min-max over every statebus fork / every raw fork; B/op from -prof gc (target 0)%n%n", forks));
        out.append(String.format("%-56s %6s %6s %12s %9s %9s %11s %8s%n", "ratio", "target", "ratio", "min-max",
            "statebus", "raw", "statebus", "met"));
        out.append(String.format("%-56s %6s %6s %12s %9s %9s %11s %8s%n", "", "", "", "", "ns", "ns", "B/op", ""));
        for (final String[] pair : PAIRS)
        {
            out.append(pairLine(pair, byName.get(pair[0]), byName.get(pair[1])));
        }
        out.append(String.format("%n"));
        for (final String note : NOTES)
        {
            out.append(String.format("note: %s%n", note));
        }
        return out.toString();
    }

    /** One pair's line: its ratio against the target, the min-max over the forks, the scores, statebus's B/op. */
    private static String pairLine(final String[] pair, final RunResult sb, final RunResult raw)
    {
        final String what = pair[0] + " / " + pair[1];
        if (sb == null || raw == null)
        {
            return String.format("%-56s %6s  not measured%n", what, "-".equals(pair[2]) ? "-" : "≤ " + pair[2]);
        }
        final boolean hasTarget = !"-".equals(pair[2]);
        final double target = hasTarget ? Double.parseDouble(pair[2]) : Double.NaN;
        final double sbScore = sb.getPrimaryResult().getScore();
        final double rawScore = raw.getPrimaryResult().getScore();
        final double ratio = sbScore / rawScore;
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (final double s : forkScores(sb))
        {
            for (final double r : forkScores(raw))
            {
                min = Math.min(min, s / r);
                max = Math.max(max, s / r);
            }
        }
        final double bytes = bytesPerOp(sb);
        return String.format("%-56s %6s %6.2f %12s %9.2f %9.2f %11s %8s%n", what,
            hasTarget ? "≤ " + pair[2] : "-", ratio, String.format("%.2f-%.2f", min, max), sbScore, rawScore,
            Double.isNaN(bytes) ? "-" : String.format("%.3f", bytes),
            !hasTarget ? "-" : ratio <= target && bytes < 0.5 ? "yes" : "no");
    }

    /** Each fork's score: the mean of its measured iterations. */
    private static List<Double> forkScores(final RunResult run)
    {
        final List<Double> scores = new ArrayList<>();
        for (final BenchmarkResult fork : run.getBenchmarkResults())
        {
            scores.add(fork.getPrimaryResult().getScore());
        }
        return scores;
    }

    /** The GC profiler's gc.alloc.rate.norm (bytes per operation), or NaN. */
    private static double bytesPerOp(final RunResult run)
    {
        for (final Map.Entry<String, Result> e : run.getSecondaryResults().entrySet())
        {
            if (e.getKey().endsWith("gc.alloc.rate.norm"))
            {
                return e.getValue().getScore();
            }
        }
        return Double.NaN;
    }
}
