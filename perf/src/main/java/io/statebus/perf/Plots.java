package io.statebus.perf;

import org.jfree.chart.JFreeChart;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The PNGs of a run, drawn headless with JFreeChart: one panel per case, one bar per row, each system in the same
 * colour in every chart, error bars from the lowest to the highest round (each round one JVM), unverified rows
 * hatched and labelled, each bar's figure in its axis label. Ratio charts (statebus / peer, paired per round) are linear.
 */
final class Plots
{
    /** The axis label of every ratio panel. */
    private static final String RATIO_AXIS = "ratio (median; bar: min–max over rounds)";

    private Plots()
    {
    }

    /** One bar: its axis label, the system that gives its colour, its value and range, and whether it was checked. */
    record Bar(String label, String system, double value, double min, double max, boolean verified)
    {
    }

    /** Writes throughput.png, latency.png and ratios.png into {@code dir}. */
    static void all(
        final List<String[]> rows, final Map<String, List<double[]>> rounds, final List<Rounds.Ratio> ratios,
        final Path dir) throws IOException
    {
        grid("Throughput per case (each round one JVM per row; same run)", throughputPanels(rows, rounds),
            dir.resolve("throughput.png"));
        grid("One-way latency at " + RowMain.LATENCY_RATE + " msgs/s, and set → await return",
            latencyPanels(rows, rounds), dir.resolve("latency.png"));
        grid("Ratios paired per round (linear)", ratioPanels(rows, ratios), dir.resolve("ratios.png"));
    }

    /** One panel per throughput case: ops/s per row. */
    private static List<JFreeChart> throughputPanels(
        final List<String[]> rows, final Map<String, List<double[]>> rounds)
    {
        final List<JFreeChart> throughput = new ArrayList<>();
        for (final String kase : cases(rows))
        {
            if (!"latency".equals(kase) && !"await".equals(kase))
            {
                final List<Bar> bars = bars(rows, rounds, kase, Rounds.OPS, 1e6);
                if (!bars.isEmpty())
                {
                    throughput.add(PlotPanel.of(kase, bars, "M operations per second (median; bar: min–max over rounds)",
                        false, null));
                }
            }
        }
        return throughput;
    }

    /** Per latency case (latency, await): one panel each for p50, p99 and p99.9, log scale. */
    private static List<JFreeChart> latencyPanels(final List<String[]> rows, final Map<String, List<double[]>> rounds)
    {
        final List<JFreeChart> latency = new ArrayList<>();
        final String[] names = {"p50", "p99", "p99.9"};
        for (final String kase : List.of("latency", "await"))
        {
            for (int k = 0; k < 3; k++)
            {
                final List<Bar> bars = bars(rows, rounds, kase, Rounds.P50 + k, 1e3);
                if (!bars.isEmpty())
                {
                    latency.add(PlotPanel.of(kase + " " + names[k], bars, "µs (log scale)", true, null));
                }
            }
        }
        return latency;
    }

    /** The paired ratios: against the raw Disruptor, against the other peers, and latency p99 against them. */
    private static List<JFreeChart> ratioPanels(final List<String[]> rows, final List<Rounds.Ratio> ratios)
    {
        final List<JFreeChart> ratioCharts = new ArrayList<>();
        final List<Bar> raw = new ArrayList<>();
        final List<Bar> peers = new ArrayList<>();
        final List<Bar> latencyPeers = new ArrayList<>();
        for (final Rounds.Ratio r : ratios)
        {
            final String system = r.denominator().split("/")[0];
            final String kaseWait = r.kase() + ("-".equals(r.waitStrategy()) ? "" : " " + r.waitStrategy());
            // hatched when either side of the ratio went unchecked
            final boolean verified = Report.verified(rows, r.kase(), r.numerator()) &&
                Report.verified(rows, r.kase(), r.denominator());
            if (system.startsWith("disruptor"))
            {
                raw.add(new Bar(kaseWait + " vs " + system, system, r.median(), r.min(), r.max(), verified));
            }
            else if ("latency".equals(r.kase()))
            {
                latencyPeers.add(new Bar(system, system, r.median(), r.min(), r.max(), verified));
            }
            else
            {
                peers.add(new Bar(r.kase() + " vs " + system, system, r.median(), r.min(), r.max(), verified));
            }
        }
        addRatioPanel(ratioCharts, "statebus / raw Disruptor, ops/s (p99 for latency: lower is better)", raw);
        addRatioPanel(ratioCharts, "statebus / peer, ops/s (the case's first statebus row)", peers);
        addRatioPanel(ratioCharts, "latency p99, statebus / peer (lower is better)", latencyPeers);
        return ratioCharts;
    }

    private static void addRatioPanel(final List<JFreeChart> charts, final String title, final List<Bar> bars)
    {
        if (!bars.isEmpty())
        {
            charts.add(PlotPanel.of(title, bars, RATIO_AXIS, false, 1.0));
        }
    }

    private static Set<String> cases(final List<String[]> rows)
    {
        final Set<String> cases = new LinkedHashSet<>();
        rows.forEach(r -> cases.add(r[0]));
        return cases;
    }

    /** The bars of one case: the TSV's median and the range of the per-round medians, divided by {@code unit}. */
    private static List<Bar> bars(
        final List<String[]> rows, final Map<String, List<double[]>> rounds, final String kase, final int figure,
        final double unit)
    {
        final List<Bar> bars = new ArrayList<>();
        for (final String[] r : rows)
        {
            final double value = Rounds.number(r[4 + figure]);
            if (!r[0].equals(kase) || !(value > 0))
            {
                continue;
            }
            double min = Double.NaN;
            double max = Double.NaN;
            for (final double[] round : rounds.getOrDefault(Rounds.key(r[0], r[1], r[2]), List.of()))
            {
                final double v = round[figure];
                if (!Double.isNaN(v))
                {
                    min = Double.isNaN(min) ? v : Math.min(min, v);
                    max = Double.isNaN(max) ? v : Math.max(max, v);
                }
            }
            bars.add(new Bar(r[1] + ("-".equals(r[2]) ? "" : "\n" + r[2]), r[1], value / unit, min / unit,
                max / unit, "yes".equals(r[9])));
        }
        return bars;
    }

    /** Panels side by side, two to a row, under one title, into one PNG. */
    private static void grid(final String title, final List<JFreeChart> panels, final Path file) throws IOException
    {
        final int columns = Math.min(2, Math.max(1, panels.size()));
        final int rowsOfPanels = Math.max(1, (panels.size() + columns - 1) / columns);
        final int w = 800;
        final int h = 560;
        final int top = 40;
        final BufferedImage image = new BufferedImage(columns * w, top + rowsOfPanels * h, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(panels.isEmpty() ? title + ": nothing measured in this run" : title, 16, 28);
        for (int i = 0; i < panels.size(); i++)
        {
            panels.get(i).draw(g, new Rectangle2D.Double((i % columns) * w, top + (i / columns) * h, w, h));
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
