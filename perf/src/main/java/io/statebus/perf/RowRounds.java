package io.statebus.perf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** One row's results over the rounds: what each round's child JVM reported, merged into the row's TSV line. */
final class RowRounds
{
    final String[] row;
    /** Per round: the measured samples, and the core-hop probe taken before it. */
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

    RowRounds(final String[] row)
    {
        this.row = row;
    }

    /** Adds one round: {@code result} is the row's RESULT fields (null: the row failed). */
    void add(final String result, final double hopNanos)
    {
        final String[] f = result == null ? null : result.split("\t", -1);
        if (f == null || f.length < 9)
        {
            addFailed(hopNanos);
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
        addSamples(f[7]);
        hops.add(hopNanos);
        if (f.length > 8 && !f[8].isEmpty() && !notes.contains(f[8]))
        {
            notes.add(f[8]);
        }
    }

    private void addFailed(final double hopNanos)
    {
        failed = true;
        verified = false;
        notes.add("FAILED in one round: see the output above");
        rates.add(List.of()); // an empty round keeps the rounds of all rows aligned for pairing
        percentiles.add(List.of());
        hops.add(hopNanos);
    }

    /** One round's samples: ops/s figures, or p50/p99/p999 triples, comma-separated. */
    private void addSamples(final String samples)
    {
        final List<Double> roundRates = new ArrayList<>();
        final List<double[]> roundPercentiles = new ArrayList<>();
        for (final String sample : samples.split(","))
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
