package io.statebus.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's per-round figures ({@code rounds.tsv}) and the ratios paired round by round ({@code ratios.tsv}): what
 * the plots' error bars and the README's "median (min–max)" columns are made of. Each round is one JVM per row,
 * and a row's figure in a round is the median of that JVM's measured iterations.
 */
final class Rounds
{
    static final String ROUNDS_HEADER = "case\tsystem\twait\tround\tops_per_sec\tp50_ns\tp99_ns\tp999_ns\tcore_hop_ns";
    static final String RATIOS_HEADER = "case\tnumerator\tdenominator\twait\tmetric\tmedian\tmin\tmax\tper_round";

    /** Index of each figure in a round's array. */
    static final int OPS = 0;
    static final int P50 = 1;
    static final int P99 = 2;
    static final int P999 = 3;
    static final int HOP = 4;

    private Rounds()
    {
    }

    /** The key of a row in the maps below: case, system and wait, tab-separated as in the TSVs. */
    static String key(final String kase, final String system, final String wait)
    {
        return kase + "\t" + system + "\t" + wait;
    }

    /** One ratio between two rows, {@code numerator / denominator}, per round where both ran. */
    record Ratio(String kase, String numerator, String denominator, String waitStrategy, String metric, double[] perRound)
    {
        double median()
        {
            return Harness.median(perRound);
        }

        double min()
        {
            return Arrays.stream(perRound).min().orElse(Double.NaN);
        }

        double max()
        {
            return Arrays.stream(perRound).max().orElse(Double.NaN);
        }

        /** E.g. "0.80 (0.19–5.56, 6 rounds)". */
        String summary()
        {
            return String.format("%.2f (%.2f–%.2f, %d rounds)", median(), min(), max(), perRound.length);
        }
    }

    static void write(final Path file, final Map<String, List<double[]>> rounds) throws IOException
    {
        final StringBuilder out = new StringBuilder(ROUNDS_HEADER).append('\n');
        rounds.forEach((key, list) -> {
            for (int r = 0; r < list.size(); r++)
            {
                final double[] f = list.get(r);
                out.append(key).append('\t').append(r + 1);
                for (final double v : f)
                {
                    out.append('\t').append(Double.isNaN(v) ? "-" : String.format("%.0f", v));
                }
                out.append('\n');
            }
        });
        Files.writeString(file, out.toString());
    }

    /** Reads rounds.tsv: per row key, per round {ops/s, p50, p99, p99.9, core hop}, NaN where not measured. */
    static Map<String, List<double[]>> read(final Path file) throws IOException
    {
        final Map<String, List<double[]>> rounds = new LinkedHashMap<>();
        final List<String> lines = Files.readAllLines(file);
        for (final String line : lines.subList(1, lines.size()))
        {
            final String[] f = line.split("\t", -1);
            final double[] figures = new double[5];
            for (int i = 0; i < 5; i++)
            {
                figures[i] = number(f[4 + i]);
            }
            rounds.computeIfAbsent(key(f[0], f[1], f[2]), k -> new ArrayList<>()).add(figures);
        }
        return rounds;
    }

    static double number(final String s)
    {
        try
        {
            return Double.parseDouble(s);
        }
        catch (final NumberFormatException ex)
        {
            return Double.NaN;
        }
    }

    /**
     * The ratios a reader compares, each paired per round (rows of one round run seconds apart): every
     * {@code statebus} row against the raw Disruptor rows of its case and wait strategy, and each case's first
     * {@code statebus} row against every other peer of the case. Throughput rows compare ops/s; latency rows p99.
     */
    static List<Ratio> ratios(final List<String[]> rows, final Map<String, List<double[]>> rounds)
    {
        final List<Ratio> ratios = new ArrayList<>();
        final List<String> headlineSeen = new ArrayList<>();
        for (final String[] sb : rows)
        {
            if (!"statebus".equals(sb[1]))
            {
                continue;
            }
            final boolean headline = !headlineSeen.contains(sb[0]);
            headlineSeen.add(sb[0]);
            for (final String[] peer : rows)
            {
                if (!peer[0].equals(sb[0]) || peer[1].startsWith("statebus") || "await".equals(sb[0]))
                {
                    continue;
                }
                final boolean raw = peer[1].startsWith("disruptor");
                if (raw ? !peer[2].equals(sb[2]) : !headline)
                {
                    continue;
                }
                final int metric = "latency".equals(sb[0]) ? P99 : OPS;
                final double[] perRound = perRound(rounds.get(key(sb[0], sb[1], sb[2])),
                    rounds.get(key(peer[0], peer[1], peer[2])), metric);
                if (perRound.length > 0)
                {
                    ratios.add(new Ratio(sb[0], sb[1] + "/" + sb[2], peer[1] + "/" + peer[2], sb[2],
                        metric == P99 ? "p99_ns" : "ops_per_sec", perRound));
                }
            }
        }
        return ratios;
    }

    private static double[] perRound(final List<double[]> a, final List<double[]> b, final int metric)
    {
        if (a == null || b == null)
        {
            return new double[0];
        }
        final double[] out = new double[Math.min(a.size(), b.size())];
        int k = 0;
        for (int r = 0; r < out.length; r++)
        {
            final double x = a.get(r)[metric];
            final double y = b.get(r)[metric];
            if (!Double.isNaN(x) && !Double.isNaN(y) && y > 0)
            {
                out[k++] = x / y;
            }
        }
        return Arrays.copyOf(out, k);
    }

    static void writeRatios(final Path file, final List<Ratio> ratios) throws IOException
    {
        final StringBuilder out = new StringBuilder(RATIOS_HEADER).append('\n');
        for (final Ratio r : ratios)
        {
            final StringBuilder each = new StringBuilder();
            for (final double v : r.perRound())
            {
                each.append(each.length() == 0 ? "" : ",").append(String.format("%.3f", v));
            }
            out.append(String.join("\t", r.kase(), r.numerator(), r.denominator(), r.waitStrategy(), r.metric(),
                String.format("%.3f", r.median()), String.format("%.3f", r.min()), String.format("%.3f", r.max()),
                each)).append('\n');
        }
        Files.writeString(file, out.toString());
    }

    static List<Ratio> readRatios(final Path file) throws IOException
    {
        final List<Ratio> ratios = new ArrayList<>();
        final List<String> lines = Files.readAllLines(file);
        for (final String line : lines.subList(1, lines.size()))
        {
            final String[] f = line.split("\t", -1);
            final double[] perRound = f[8].isEmpty() ? new double[0] :
                Arrays.stream(f[8].split(",")).mapToDouble(Double::parseDouble).toArray();
            ratios.add(new Ratio(f[0], f[1], f[2], f[3], f[4], perRound));
        }
        return ratios;
    }
}
