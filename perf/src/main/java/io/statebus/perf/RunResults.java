package io.statebus.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The run's results from every row's rounds, and the files they go to: latest.tsv, rounds.tsv, ratios.tsv, notes.txt. */
final class RunResults
{
    /** The latest.tsv lines, in report order. */
    final List<String[]> lines = new ArrayList<>();
    /** The notes.txt lines: case, system, wait, note. */
    final List<String> notes = new ArrayList<>();
    /** Per row (Rounds.key): its per-round figures. */
    final Map<String, List<double[]>> figures = new LinkedHashMap<>();
    List<Rounds.Ratio> ratios = List.of();
    boolean failed;

    private RunResults()
    {
    }

    /** Each row's line and notes (the line first: it adds the row's core-hop note). */
    static RunResults of(final List<RowRounds> rows)
    {
        final RunResults results = new RunResults();
        for (final RowRounds agg : rows)
        {
            results.lines.add(agg.line());
            results.failed |= agg.failed;
            for (final String note : agg.notes)
            {
                results.notes.add(agg.row[0] + "\t" + agg.row[1] + "\t" + agg.row[2] + "\t" + note);
            }
        }
        return results;
    }

    /** Writes the files into {@code dir}; {@code hops} are the core-hop probes of every row of every round. */
    void write(final Path dir, final List<RowRounds> rows, final List<Double> hops) throws IOException
    {
        final StringBuilder tsv = new StringBuilder(PerfRunner.HEADER).append('\n');
        for (final String[] r : lines)
        {
            tsv.append(String.join("\t", r)).append('\n');
        }
        Files.writeString(dir.resolve("latest.tsv"), tsv.toString());
        final double[] sortedHops = hops.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        notes.add(0, String.format("all\tall\t-\tcore-to-core hand-off probed before each row (CoreHop): min %.0f ns, " +
            "median %.0f ns, max %.0f ns", sortedHops[0], Harness.median(sortedHops),
            sortedHops[sortedHops.length - 1]));
        for (final RowRounds agg : rows)
        {
            figures.put(Rounds.key(agg.row[0], agg.row[1], agg.row[2]), agg.roundFigures());
        }
        Rounds.write(dir.resolve("rounds.tsv"), figures);
        ratios = Rounds.ratios(lines, figures);
        Rounds.writeRatios(dir.resolve("ratios.tsv"), ratios);
        notes.addAll(1, ratioNotes(ratios));
        Files.writeString(dir.resolve("notes.txt"), "case\tsystem\twait\tnote\n" + String.join("\n", notes) + "\n");
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
}
