package io.statebus.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The perf-test runner (see perf/run and ../shared/PERF.md): runs each (case, system, wait) row in a fresh JVM,
 * prints a table, writes latest.tsv, rounds.tsv, ratios.tsv, notes.txt and the plots into the run directory
 * perf/run gives it (--results).
 */
public final class PerfRunner
{
    static final String HEADER = "case\tsystem\twait\tthreads\tops_per_sec\tp50_ns\tp99_ns\tp999_ns\tbytes_per_op\tverified";
    static final List<String> CASES = List.of("unicast", "multicast3", "mixed", "multiproducer2", "latency", "await");

    /** Every row, in report order: case, system, wait. Busy-spin only where there is 1 producer + 1 consumer. */
    static final String[][] ROWS = {
        {"unicast", "statebus", "busy-spin"},
        {"unicast", "disruptor", "busy-spin"},
        {"unicast", "disruptor+states", "busy-spin"},
        {"unicast", "statebus", "yielding"},
        {"unicast", "disruptor", "yielding"},
        {"unicast", "disruptor+states", "yielding"},
        {"unicast", "statebus+clock", "busy-spin"},
        {"unicast", "jctools-spsc", "busy-spin"},
        {"unicast", "agrona-broadcast", "busy-spin"},
        {"unicast", "abq-fanout", "-"},
        {"unicast", "submission-publisher", "-"},
        {"unicast", "condition", "-"},
        {"multicast3", "statebus", "yielding"},
        {"multicast3", "disruptor", "yielding"},
        {"multicast3", "disruptor+states", "yielding"},
        {"multicast3", "statebus", "blocking"},
        {"multicast3", "disruptor", "blocking"},
        // what a user of the defaults gets: the builder's blocking wait strategy, any thread may publish, no clock
        {"multicast3", "statebus-default", "blocking"},
        {"multicast3", "agrona-broadcast", "yielding"},
        {"multicast3", "abq-fanout", "-"},
        {"multicast3", "submission-publisher", "-"},
        {"multicast3", "reactor-sinks", "-"},
        {"multicast3", "rxjava-behavior", "-"},
        // StateBus through its Flow.Publisher adapter, subscribers as the reactive rows' (FlowRows); blocking: the
        // bus's wait strategy (the builder's default), though the subscribers park in their executors
        {"multicast3", "statebus-flow", "blocking"},
        {"multicast3", "condition", "-"},
        {"mixed", "statebus", "yielding"},
        {"mixed", "agrona-broadcast", "yielding"},
        {"mixed", "abq-fanout", "-"},
        {"mixed", "reactor-sinks", "-"},
        {"mixed", "rxjava-behavior", "-"},
        {"multiproducer2", "statebus", "yielding"},
        {"multiproducer2", "disruptor", "yielding"},
        {"multiproducer2", "abq-fanout", "-"},
        {"multiproducer2", "submission-publisher", "-"},
        {"latency", "statebus", "busy-spin"},
        {"latency", "disruptor", "busy-spin"},
        {"latency", "jctools-spsc", "busy-spin"},
        {"latency", "agrona-broadcast", "busy-spin"},
        {"latency", "abq-fanout", "-"},
        {"latency", "submission-publisher", "-"},
        {"latency", "reactor-sinks", "-"},
        {"latency", "rxjava-behavior", "-"},
        {"latency", "statebus-flow", "blocking"},
        {"await", "statebus", "-"},
        {"await", "condition", "-"},
    };

    private PerfRunner()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        Locale.setDefault(Locale.ROOT);
        boolean quick = false;
        Set<String> cases = new LinkedHashSet<>(CASES);
        // without --results (perf/run always gives one), a new run directory as perf/run would make
        Path results = Paths.get("perf/results/runs",
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now()));
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--cases":
                    cases = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                    for (final String c : cases)
                    {
                        if (!CASES.contains(c))
                        {
                            System.err.println("unknown case '" + c + "'; cases: " + String.join(",", CASES));
                            System.exit(2);
                        }
                    }
                    break;
                case "--results":
                    results = Paths.get(args[++i]);
                    break;
                default:
                    System.err.println("unknown argument " + args[i]);
                    System.exit(2);
            }
        }
        Files.createDirectories(results);

        final List<String[]> rows = new ArrayList<>();
        for (final String[] row : ROWS)
        {
            if (cases.contains(row[0]))
            {
                rows.add(row);
            }
        }
        // Rounds: every row runs once per round, statebus next to its peers, so a burst of load from elsewhere on
        // this shared machine hits both sides of a ratio alike; each figure is the median over all rounds.
        // A Disruptor-style ring on 2 cores settles per JVM into a fast state (consumer a batch behind) or a slow
        // one (consumer on the producer's heels, every publish a cache-line round trip), raw Disruptor included,
        // so the rows behind the statebus/disruptor ratios (and disruptor+states, the raw ring carrying statebus's
        // payload) get more JVMs than the others.
        // quick (under 3 minutes with the build and the demo): one round for the peers, whose distance from statebus
        // (2x to 100x) one round shows, and three for the rows behind the target ratios, so their min-max has three
        // JVMs; a JVM per row costs 1.5-2 s, so the round count is what the budget buys.
        final int rounds = quick ? 1 : 3;
        final int comparedRounds = quick ? 3 : 6;
        final List<Agg> aggs = new ArrayList<>();
        final List<Double> hops = new ArrayList<>();
        for (final String[] row : rows)
        {
            aggs.add(new Agg(row));
        }
        final long started = System.nanoTime();
        for (int round = 1; round <= comparedRounds; round++)
        {
            for (int i = 0; i < aggs.size(); i++)
            {
                final Agg agg = aggs.get(i);
                final int rowRounds = isCompared(agg.row) ? comparedRounds : rounds;
                if (round > rowRounds)
                {
                    continue;
                }
                final double hopBefore = CoreHop.probe();
                System.out.printf("=== round %d of %d, row %d of %d: %s / %s / %s (%.0f s elapsed, core hop %.0f ns)%n",
                    round, rowRounds, i + 1, aggs.size(), agg.row[0], agg.row[1], agg.row[2],
                    (System.nanoTime() - started) / 1e9, hopBefore);
                agg.add(runRow(agg.row, quick), hopBefore);
                hops.add(hopBefore);
            }
        }
        boolean failed = false;
        final List<String[]> out = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        for (final Agg agg : aggs)
        {
            out.add(agg.line());
            failed |= agg.failed;
            for (final String note : agg.notes)
            {
                notes.add(agg.row[0] + "\t" + agg.row[1] + "\t" + agg.row[2] + "\t" + note);
            }
        }

        final StringBuilder tsv = new StringBuilder(HEADER).append('\n');
        for (final String[] r : out)
        {
            tsv.append(String.join("\t", r)).append('\n');
        }
        Files.writeString(results.resolve("latest.tsv"), tsv.toString());
        final double[] sortedHops = hops.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        notes.add(0, String.format("all\tall\t-\tcore-to-core hand-off probed before each row (CoreHop): min %.0f ns, " +
            "median %.0f ns, max %.0f ns", sortedHops[0], Harness.median(sortedHops),
            sortedHops[sortedHops.length - 1]));
        final Map<String, List<double[]>> figures = new LinkedHashMap<>();
        for (final Agg agg : aggs)
        {
            figures.put(Rounds.key(agg.row[0], agg.row[1], agg.row[2]), agg.roundFigures());
        }
        Rounds.write(results.resolve("rounds.tsv"), figures);
        final List<Rounds.Ratio> ratios = Rounds.ratios(out, figures);
        Rounds.writeRatios(results.resolve("ratios.tsv"), ratios);
        notes.addAll(1, ratioNotes(ratios));
        Files.writeString(results.resolve("notes.txt"), "case\tsystem\twait\tnote\n" + String.join("\n", notes) + "\n");
        printTable(out, notes);
        try
        {
            Plots.all(out, figures, ratios, results);
        }
        catch (final Exception | LinkageError ex)
        {
            failed = true;
            System.out.println("plots failed: " + ex);
        }
        System.out.printf("wrote %s/latest.tsv, rounds.tsv, ratios.tsv, notes.txt and the plots in %.0f s%n", results,
            (System.nanoTime() - started) / 1e9);
        System.exit(failed ? 1 : 0);
    }

    /** The notes.txt lines of the paired ratios, in the wording earlier runs used. */
    private static List<String> ratioNotes(final List<Rounds.Ratio> ratios)
    {
        final List<String> lines = new ArrayList<>();
        for (final Rounds.Ratio r : ratios)
        {
            final StringBuilder each = new StringBuilder();
            for (final double v : r.perRound())
            {
                each.append(each.length() == 0 ? "" : " ").append(String.format("%.2f", v));
            }
            lines.add(String.format("%s\t%s/%s\t%s\t%sper-round ratios %s; median of them %.2f, min %.2f, max %.2f",
                r.kase(), r.numerator().split("/")[0], r.denominator().split("/")[0], r.waitStrategy(),
                "p99_ns".equals(r.metric()) ? "p99 " : "", each, r.median(), r.min(), r.max()));
        }
        return lines;
    }

    /** The rows whose ratio to each other is a target: statebus and the raw Disruptor in unicast, multicast3, latency. */
    private static boolean isCompared(final String[] row)
    {
        return ("unicast".equals(row[0]) || "multicast3".equals(row[0]) || "latency".equals(row[0])) &&
            ("statebus".equals(row[1]) || row[1].startsWith("disruptor")); // disruptor and disruptor+states
    }

    /** Runs one row in a child JVM with this JVM's flags; forwards its progress; returns its RESULT fields. */
    private static String runRow(final String[] row, final boolean quick) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-Xms1g");
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RowMain.class.getName());
        command.addAll(List.of(row[0], row[1], row[2], quick ? "quick" : "full"));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final Thread killer = new Thread(() -> {
            try
            {
                if (!process.waitFor(quick ? 60 : 300, TimeUnit.SECONDS))
                {
                    System.out.println("row timed out: killing it");
                    process.destroyForcibly();
                }
            }
            catch (final InterruptedException ignore)
            {
                // runner ending
            }
        });
        killer.setDaemon(true);
        killer.start();
        String result = null;
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if (line.startsWith("RESULT\t"))
                {
                    result = line.substring("RESULT\t".length());
                }
                else
                {
                    System.out.println("  " + line);
                }
            }
        }
        final int exit = process.waitFor();
        if (exit != 0)
        {
            System.out.println("  row exited with " + exit);
            return null;
        }
        return result;
    }

    /** One row's results over the rounds. */
    static final class Agg
    {
        final String[] row;
        /** Per round: the measured samples, and the slower of the two core-hop probes around it. */
        final List<List<Double>> rates = new ArrayList<>();
        final List<List<double[]>> percentiles = new ArrayList<>();
        final List<Double> hops = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        String threads = "-";
        boolean verified = true;
        boolean failed;
        boolean allocationMeasured = true;
        long allocated;
        long ops;

        Agg(final String[] row)
        {
            this.row = row;
        }

        void add(final String result, final double hopNanos)
        {
            final String[] f = result == null ? null : result.split("\t", -1);
            if (f == null || f.length < 9)
            {
                failed = true;
                verified = false;
                notes.add("FAILED in one round: see the output above");
                rates.add(List.of()); // an empty round keeps the rounds of all rows aligned for pairing
                percentiles.add(List.of());
                hops.add(hopNanos);
                return;
            }
            threads = f[3];
            verified &= "yes".equals(f[4]);
            if ("-".equals(f[5]))
            {
                allocationMeasured = false;
            }
            else
            {
                allocated += Long.parseLong(f[5]);
                ops += Long.parseLong(f[6]);
            }
            final List<Double> roundRates = new ArrayList<>();
            final List<double[]> roundPercentiles = new ArrayList<>();
            for (final String sample : f[7].split(","))
            {
                if (sample.contains("/"))
                {
                    final String[] p = sample.split("/");
                    roundPercentiles.add(new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1]),
                        Double.parseDouble(p[2])});
                }
                else if (!sample.isEmpty())
                {
                    roundRates.add(Double.parseDouble(sample));
                }
            }
            rates.add(roundRates);
            percentiles.add(roundPercentiles);
            hops.add(hopNanos);
            if (f.length > 8 && !f[8].isEmpty() && !notes.contains(f[8]))
            {
                notes.add(f[8]);
            }
        }

        /** Per round: {ops/s, p50, p99, p99.9, core hop}, each the median of that round's iterations (NaN: none). */
        List<double[]> roundFigures()
        {
            final List<double[]> out = new ArrayList<>();
            for (int round = 0; round < rates.size(); round++)
            {
                final double[] f = new double[5];
                Arrays.fill(f, Double.NaN);
                final List<Double> r = rates.get(round);
                if (!r.isEmpty())
                {
                    f[Rounds.OPS] = Harness.median(r.stream().mapToDouble(Double::doubleValue).toArray());
                }
                final List<double[]> p = percentiles.get(round);
                for (int k = 0; k < 3 && !p.isEmpty(); k++)
                {
                    final int column = k;
                    f[Rounds.P50 + k] = Harness.median(p.stream().mapToDouble(x -> x[column]).toArray());
                }
                f[Rounds.HOP] = hops.get(round);
                out.add(f);
            }
            return out;
        }

        /** The TSV line: medians over all measured iterations of all rounds. */
        String[] line()
        {
            final List<Double> rates = new ArrayList<>();
            final List<double[]> percentiles = new ArrayList<>();
            this.rates.forEach(rates::addAll);
            this.percentiles.forEach(percentiles::addAll);
            final StringBuilder hopList = new StringBuilder();
            for (final double hop : hops)
            {
                hopList.append(hopList.length() == 0 ? "" : " ").append(String.format("%.0f", hop));
            }
            notes.add("core hop ns before each round: " + hopList);
            final String ops_per_sec;
            if (!rates.isEmpty())
            {
                ops_per_sec = String.format("%.0f", Harness.median(rates.stream().mapToDouble(Double::doubleValue).toArray()));
            }
            else if ("latency".equals(row[0]) && !percentiles.isEmpty())
            {
                ops_per_sec = String.valueOf(RowMain.LATENCY_RATE); // the fixed send rate
            }
            else
            {
                ops_per_sec = "-";
            }
            final String[] p = {"-", "-", "-"};
            if (!percentiles.isEmpty())
            {
                for (int k = 0; k < 3; k++)
                {
                    final int column = k;
                    p[k] = String.format("%.0f", Harness.median(percentiles.stream().mapToDouble(x -> x[column]).toArray()));
                }
            }
            final String bytes = allocationMeasured && ops > 0 ? String.format("%.2f", (double)allocated / ops) : "-";
            return new String[] {row[0], row[1], row[2], threads, ops_per_sec, p[0], p[1], p[2], bytes,
                verified && !failed ? "yes" : "no"};
        }
    }

    private static void printTable(final List<String[]> rows, final List<String> notes)
    {
        final String[] head = HEADER.split("\t");
        final int[] width = new int[head.length];
        for (int c = 0; c < head.length; c++)
        {
            width[c] = head[c].length();
            for (final String[] r : rows)
            {
                width[c] = Math.max(width[c], pretty(c, r[c]).length());
            }
        }
        final StringBuilder out = new StringBuilder("\n");
        appendRow(out, head, width, false);
        for (final String[] r : rows)
        {
            appendRow(out, r, width, true);
        }
        out.append("\nnotes:\n");
        for (final String note : notes)
        {
            out.append("  ").append(note.replace('\t', ' ')).append('\n');
        }
        System.out.print(out);
    }

    private static void appendRow(final StringBuilder out, final String[] r, final int[] width, final boolean pretty)
    {
        for (int c = 0; c < r.length; c++)
        {
            final String v = pretty ? pretty(c, r[c]) : r[c];
            out.append(c < 3 ? String.format("%-" + width[c] + "s", v) : String.format("%" + width[c] + "s", v));
            out.append("  ");
        }
        out.append('\n');
    }

    /** Thousands separators for the numeric columns of the console table (the TSV keeps plain numbers). */
    private static String pretty(final int column, final String value)
    {
        if (column == 4 && value.matches("\\d+"))
        {
            return String.format("%,d", Long.parseLong(value));
        }
        return value;
    }
}
