package io.statebus.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code summary.md} of one run directory, in the order the README's Results quote it: what one operation costs on
 * one core (JMH, statebus next to the raw Disruptor), what the default configuration gets with three consumers
 * next to what a Java user would otherwise pick, the cross-core ratios as a median and min–max over rounds, and
 * how noisy the machine was. Reads only the run's files ({@code latest.tsv}, {@code rounds.tsv},
 * {@code ratios.tsv}, {@code jmh.txt}), so perf/run calls it after JMH; with {@code --plots} it redraws the PNGs.
 */
public final class Report
{
    /** A JMH result line: benchmark, parameter, mode, count, score, error, unit (an allocation may read "≈ 10⁻⁴"). */
    private static final Pattern JMH = Pattern.compile(
        "^(\\S+)\\s+(\\S+)\\s+avgt\\s+\\d+\\s+(≈ \\S+|[\\d.]+)(?:\\s+±\\s+([\\d.]+))?\\s+(\\S+)\\s*$");

    /** DrainBenchmark's one parameter value (its rings' size), in JMH's parameter column. */
    private static final String DRAIN = "65536";

    private final List<String> jmh;

    private Report(final List<String> jmh)
    {
        this.jmh = jmh;
    }

    public static void main(final String[] args) throws IOException
    {
        Locale.setDefault(Locale.ROOT);
        if (args.length < 1)
        {
            System.err.println("usage: Report RUN_DIR [--plots]");
            System.exit(2);
        }
        final Path dir = Paths.get(args[0]);
        final Path jmhFile = dir.resolve("jmh.txt");
        final Report report = new Report(Files.exists(jmhFile) ? Files.readAllLines(jmhFile) : List.of());
        final StringBuilder out = new StringBuilder("# Run " + dir.toRealPath().getFileName() + "\n\n");
        out.append(report.jmhSection());
        final Path jmhRatios = dir.resolve("jmh-ratios.txt");
        if (Files.exists(jmhRatios))
        {
            out.append("### The one-core targets (JMH, `jmh-ratios.txt`)\n\n```\n")
                .append(Files.readString(jmhRatios)).append("```\n\n");
        }
        final Path tsv = dir.resolve("latest.tsv");
        if (Files.exists(tsv))
        {
            final List<String[]> rows = rows(tsv);
            final Map<String, List<double[]>> rounds = Files.exists(dir.resolve("rounds.tsv")) ?
                Rounds.read(dir.resolve("rounds.tsv")) : Map.of();
            final List<Rounds.Ratio> ratios = Files.exists(dir.resolve("ratios.tsv")) ?
                Rounds.readRatios(dir.resolve("ratios.tsv")) : List.of();
            out.append(defaultSection(rows, rounds)).append(ratioSection(ratios, rows)).append(noiseSection(rounds, dir));
            if (args.length > 1 && "--plots".equals(args[1]))
            {
                Plots.all(rows, rounds, ratios, dir);
            }
        }
        else
        {
            out.append("No `latest.tsv` in this run (JMH only, or the runner failed).\n");
        }
        Files.writeString(dir.resolve("summary.md"), out.toString());
        System.out.print(out);
    }

    private static List<String[]> rows(final Path tsv) throws IOException
    {
        final List<String[]> rows = new ArrayList<>();
        final List<String> lines = Files.readAllLines(tsv);
        for (final String line : lines.subList(1, lines.size()))
        {
            rows.add(line.split("\t", -1));
        }
        return rows;
    }

    /** Score and error of a benchmark ({@code param} "N/A" when it has none; error NaN when JMH gave none), or null. */
    private double[] score(final String benchmark, final String param)
    {
        for (final String line : jmh)
        {
            final Matcher m = JMH.matcher(line);
            if (m.matches() && m.group(1).endsWith(benchmark) && m.group(2).equals(param) && !m.group(3).startsWith("≈"))
            {
                return new double[] {Double.parseDouble(m.group(3)), m.group(4) == null ? Double.NaN : Double.parseDouble(m.group(4))};
            }
        }
        return null;
    }

    /** The GC profiler's bytes per operation, as JMH printed it ("≈ 10⁻⁴" is zero to its precision). */
    private String allocation(final String benchmark, final String param)
    {
        for (final String line : jmh)
        {
            final Matcher m = JMH.matcher(line);
            if (m.matches() && m.group(1).endsWith(benchmark + ":gc.alloc.rate.norm") && m.group(2).equals(param))
            {
                return m.group(3);
            }
        }
        return "–";
    }

    private String jmhSection()
    {
        final StringBuilder out = new StringBuilder("## What one operation costs on one core (JMH, ns/op)\n\n");
        if (jmh.isEmpty())
        {
            return out.append("No JMH in this run (`perf/run --jmh`).\n\n").toString();
        }
        out.append("| operation | statebus | raw Disruptor | ratio | statebus B/op |\n|---|--:|--:|--:|--:|\n");
        // statebus with the builder's default (blocking: a publish reads a count of handler threads, signals none
        // here); the raw ring busy-spin, its cheapest (its blocking strategy would take a lock on every publish)
        line(out, "`set`, no subscriber (statebus: default blocking wait strategy; raw: busy-spin)",
            score("PublishBenchmark.publishNoSubscription", "blocking"),
            score("DisruptorPublishBenchmark.publishNoConsumer", "N/A"),
            allocation("PublishBenchmark.publishNoSubscription", "blocking"));
        line(out, "`set` + `poll`, one thread (wait strategies as above)", score("PublishBenchmark.publishAndPollBlock", "blocking"),
            score("DisruptorPublishBenchmark.publishAndConsume", "N/A"),
            allocation("PublishBenchmark.publishAndPollBlock", "blocking"));
        line(out, "publish in a batch of 64, per transition", score("DrainBenchmark.statebusPublish", DRAIN),
            score("DrainBenchmark.rawPublish", DRAIN), allocation("DrainBenchmark.statebusPublish", DRAIN));
        line(out, "publish + drain in a batch of 64, per transition",
            score("DrainBenchmark.statebusPublishAndDrain", DRAIN), score("DrainBenchmark.rawPublishAndDrain", DRAIN),
            allocation("DrainBenchmark.statebusPublishAndDrain", DRAIN));
        line(out, "handler delivery, per transition (the two rows above, subtracted)",
            difference(score("DrainBenchmark.statebusPublishAndDrain", DRAIN), score("DrainBenchmark.statebusPublish", DRAIN)),
            difference(score("DrainBenchmark.rawPublishAndDrain", DRAIN), score("DrainBenchmark.rawPublish", DRAIN)), "–");
        return out.append('\n').toString();
    }

    private static double[] difference(final double[] a, final double[] b)
    {
        return a == null || b == null ? null : new double[] {a[0] - b[0], a[1] + b[1]};
    }

    private static void line(
        final StringBuilder out, final String what, final double[] statebus, final double[] raw, final String bytes)
    {
        out.append("| ").append(what).append(" | ").append(ns(statebus)).append(" | ").append(ns(raw)).append(" | ")
            .append(ratio(statebus, raw)).append(" | ").append(bytes).append(" |\n");
    }

    /**
     * statebus / raw, or "–" when either figure is missing or not above its error (a difference of two scores can
     * be within its error of 0, or below it: the ratio of such figures means nothing).
     */
    static String ratio(final double[] statebus, final double[] raw)
    {
        if (statebus == null || raw == null)
        {
            return "–";
        }
        if (!(statebus[0] > 0 && raw[0] > 0) || statebus[0] <= statebus[1] || raw[0] <= raw[1])
        {
            return "– (within error of 0)";
        }
        return String.format("%.2f", statebus[0] / raw[0]);
    }

    /** "5.0 ± 0.3", or "5.0 (no error)" where JMH printed none (too few iterations to give one). */
    private static String ns(final double[] score)
    {
        return score == null ? "–" : Double.isNaN(score[1]) ? String.format("%.1f (no error)", score[0]) :
            String.format("%.1f ± %.1f", score[0], score[1]);
    }

    private static String[] find(final List<String[]> rows, final String kase, final String system, final String wait)
    {
        for (final String[] r : rows)
        {
            if (r[0].equals(kase) && r[1].equals(system) && (wait == null || r[2].equals(wait)))
            {
                return r;
            }
        }
        return null;
    }

    /** "12.3 M/s (9.8–14.1)": the run's median and the range of its rounds. */
    private static String rate(final String[] row, final Map<String, List<double[]>> rounds)
    {
        if (row == null || !(Rounds.number(row[4]) > 0))
        {
            return "not measured";
        }
        final double[] perRound = rounds.getOrDefault(Rounds.key(row[0], row[1], row[2]), List.of()).stream()
            .mapToDouble(f -> f[Rounds.OPS]).filter(v -> !Double.isNaN(v)).toArray();
        final String range = perRound.length < 2 ? "" : String.format(" (%.1f–%.1f)",
            Arrays.stream(perRound).min().getAsDouble() / 1e6, Arrays.stream(perRound).max().getAsDouble() / 1e6);
        return String.format("%.1f M/s%s%s", Rounds.number(row[4]) / 1e6, range,
            "yes".equals(row[9]) ? "" : ", unverified");
    }

    private static String defaultSection(final List<String[]> rows, final Map<String, List<double[]>> rounds)
    {
        return "## Three components watching a changing value\n\n" +
            "`multicast3`: 1 producer → 3 consumers on their own threads, every value checked in order by every " +
            "consumer; median of the run (min–max over rounds). StateBus as built by default (blocking wait " +
            "strategy, any thread may publish, no timestamps) " +
            rate(find(rows, "multicast3", "statebus-default", null), rounds) + "; StateBus through its " +
            "`Flow.Publisher` adapter (each subscriber on its own executor, requesting 256 then 192 at a time) " +
            rate(find(rows, "multicast3", "statebus-flow", null), rounds) + "; Reactor (multicast sink, " +
            "`publishOn` per consumer) " + rate(find(rows, "multicast3", "reactor-sinks", null), rounds) +
            "; RxJava (`BehaviorProcessor`, `observeOn` per consumer) " +
            rate(find(rows, "multicast3", "rxjava-behavior", null), rounds) + "; JDK `SubmissionPublisher` " +
            rate(find(rows, "multicast3", "submission-publisher", null), rounds) + "; one `ArrayBlockingQueue` " +
            "per consumer " + rate(find(rows, "multicast3", "abq-fanout", null), rounds) +
            "; the raw Disruptor with the same wait strategy " +
            rate(find(rows, "multicast3", "disruptor", "blocking"), rounds) + ".\n\n";
    }

    private static String ratioSection(final List<Rounds.Ratio> ratios, final List<String[]> rows)
    {
        final StringBuilder out = new StringBuilder("## Cross-core ratios, paired per round\n\n" +
            "Each round runs every row in its own JVM, statebus next to its peers; a ratio is taken within a round " +
            "and the table gives the median and the range over rounds (ops/s; `latency`: p99, lower is better).\n\n" +
            "| case | wait | statebus / | median | min–max | rounds |\n|---|---|---|--:|--:|--:|\n");
        for (final Rounds.Ratio r : ratios)
        {
            out.append(String.format("| %s | %s | %s%s | %.2f | %.2f–%.2f | %d |%n", r.kase(), r.waitStrategy(),
                r.denominator().split("/")[0], unverifiedLabel(rows, r), r.median(), r.min(), r.max(),
                r.perRound().length));
        }
        return out.append('\n').toString();
    }

    /** Which side of a ratio was not checked: "", " (unverified)" (the peer), " (statebus unverified)" or both. */
    static String unverifiedLabel(final List<String[]> rows, final Rounds.Ratio r)
    {
        final boolean statebus = verified(rows, r.kase(), r.numerator());
        final boolean peer = verified(rows, r.kase(), r.denominator());
        return statebus && peer ? "" : statebus ? " (unverified)" : peer ? " (statebus unverified)" :
            " (both unverified)";
    }

    /** True if the row of {@code kase} and {@code "system/wait"} checked what it promises. */
    static boolean verified(final List<String[]> rows, final String kase, final String systemAndWait)
    {
        final String[] row = find(rows, kase, systemAndWait.split("/")[0], systemAndWait.split("/")[1]);
        return row != null && "yes".equals(row[9]);
    }

    private static String noiseSection(final Map<String, List<double[]>> rounds, final Path dir) throws IOException
    {
        final double[] hops = rounds.values().stream().flatMap(List::stream).mapToDouble(f -> f[Rounds.HOP])
            .filter(v -> !Double.isNaN(v)).sorted().toArray();
        final StringBuilder out = new StringBuilder("## How noisy the machine was\n\n");
        if (hops.length > 0)
        {
            out.append(String.format("The core-to-core hand-off, probed before each row, took %s to %s (median %s). ",
                duration(hops[0]), duration(hops[hops.length - 1]), duration(Harness.median(hops))));
        }
        for (final String key : List.of(Rounds.key("unicast", "disruptor", "busy-spin"),
            Rounds.key("multicast3", "disruptor", "yielding")))
        {
            final double[] r = rounds.getOrDefault(key, List.of()).stream().mapToDouble(f -> f[Rounds.OPS])
                .filter(v -> !Double.isNaN(v)).sorted().toArray();
            if (r.length > 1)
            {
                out.append(String.format("The same raw Disruptor row (%s) ran %.1f–%.1f M/s from round to round " +
                    "(%.1f× apart). ", key.replace('\t', ' '), r[0] / 1e6, r[r.length - 1] / 1e6, r[r.length - 1] / r[0]));
            }
        }
        final Path machine = dir.resolve("machine.txt");
        if (Files.exists(machine))
        {
            Files.readAllLines(machine).stream().filter(l -> l.startsWith("load average at start:")).findFirst()
                .ifPresent(l -> out.append("The ").append(l.replace(":", " (1, 5, 15 min):")).append('.'));
        }
        return out.append("\n").toString();
    }

    /** 48 ns, 3.7 µs, 51.7 ms. */
    private static String duration(final double nanos)
    {
        return nanos < 1e3 ? String.format("%.0f ns", nanos) : nanos < 1e6 ? String.format("%.1f µs", nanos / 1e3) :
            String.format("%.1f ms", nanos / 1e6);
    }
}
