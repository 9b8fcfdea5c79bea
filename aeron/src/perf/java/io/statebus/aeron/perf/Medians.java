package io.statebus.aeron.perf;

import java.util.Arrays;
import java.util.Locale;

/** The figures the rows report: medians across blocks and rounds, and lists of ratios. */
final class Medians
{
    private Medians()
    {
    }

    static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String fmt(final double[] values)
    {
        final StringBuilder s = new StringBuilder();
        for (final double v : values)
        {
            s.append(s.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.2f", v));
        }
        return s.toString();
    }

    static double min(final double[] values)
    {
        return Arrays.stream(values).min().orElse(0);
    }

    static double max(final double[] values)
    {
        return Arrays.stream(values).max().orElse(0);
    }
}
