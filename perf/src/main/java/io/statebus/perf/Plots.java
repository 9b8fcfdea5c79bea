package io.statebus.perf;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.category.DefaultCategoryDataset;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.TexturePaint;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.text.DecimalFormat;
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
    /** One colour per system, the same in every chart; statebus-flow has its colour before it has its row. */
    private static final Map<String, Color> COLOURS = Map.ofEntries(
        Map.entry("statebus", new Color(0x1f77b4)),
        Map.entry("statebus-default", new Color(0x6baed6)),
        Map.entry("statebus+clock", new Color(0x9ecae1)),
        Map.entry("statebus-flow", new Color(0x08306b)),
        Map.entry("disruptor", new Color(0xd62728)),
        Map.entry("disruptor+states", new Color(0xff9896)),
        Map.entry("jctools-spsc", new Color(0x9467bd)),
        Map.entry("agrona-broadcast", new Color(0x8c564b)),
        Map.entry("abq-fanout", new Color(0x7f7f7f)),
        Map.entry("submission-publisher", new Color(0x2ca02c)),
        Map.entry("reactor-sinks", new Color(0xe377c2)),
        Map.entry("rxjava-behavior", new Color(0xbcbd22)),
        Map.entry("condition", new Color(0x17becf)));

    private Plots()
    {
    }

    /** One bar: its axis label, the system that gives its colour, its value and range, and whether it was checked. */
    record Bar(String label, String system, double value, double min, double max, boolean verified)
    {
    }

    static Color colour(final String system)
    {
        final Color c = COLOURS.get(system);
        return c != null ? c : Color.getHSBColor((system.hashCode() & 0xff) / 255f, 0.5f, 0.7f);
    }

    /** Writes throughput.png, latency.png and ratios.png into {@code dir}. */
    static void all(
        final List<String[]> rows, final Map<String, List<double[]>> rounds, final List<Rounds.Ratio> ratios,
        final Path dir) throws IOException
    {
        final List<JFreeChart> throughput = new ArrayList<>();
        for (final String kase : cases(rows))
        {
            if (!"latency".equals(kase) && !"await".equals(kase))
            {
                final List<Bar> bars = bars(rows, rounds, kase, Rounds.OPS, 1e6);
                if (!bars.isEmpty())
                {
                    throughput.add(panel(kase, bars, "M operations per second (median; bar: min–max over rounds)",
                        false, null));
                }
            }
        }
        grid("Throughput per case (each round one JVM per row; same run)", throughput, dir.resolve("throughput.png"));

        final List<JFreeChart> latency = new ArrayList<>();
        final String[] names = {"p50", "p99", "p99.9"};
        for (final String kase : List.of("latency", "await"))
        {
            for (int k = 0; k < 3; k++)
            {
                final List<Bar> bars = bars(rows, rounds, kase, Rounds.P50 + k, 1e3);
                if (!bars.isEmpty())
                {
                    latency.add(panel(kase + " " + names[k], bars, "µs (log scale)", true, null));
                }
            }
        }
        grid("One-way latency at " + RowMain.LATENCY_RATE + " msgs/s, and set → await return", latency,
            dir.resolve("latency.png"));

        final List<JFreeChart> ratioCharts = new ArrayList<>();
        final List<Bar> raw = new ArrayList<>();
        final List<Bar> peers = new ArrayList<>();
        final List<Bar> latencyPeers = new ArrayList<>();
        for (final Rounds.Ratio r : ratios)
        {
            final String system = r.denominator().split("/")[0];
            final String kaseWait = r.kase() + ("-".equals(r.waitStrategy()) ? "" : " " + r.waitStrategy());
            final boolean verified = verified(rows, r.kase(), r.denominator());
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
        if (!raw.isEmpty())
        {
            ratioCharts.add(panel("statebus / raw Disruptor, ops/s (p99 for latency: lower is better)", raw,
                "ratio (median; bar: min–max over rounds)", false, 1.0));
        }
        if (!peers.isEmpty())
        {
            ratioCharts.add(panel("statebus / peer, ops/s (the case's first statebus row)", peers,
                "ratio (median; bar: min–max over rounds)", false, 1.0));
        }
        if (!latencyPeers.isEmpty())
        {
            ratioCharts.add(panel("latency p99, statebus / peer (lower is better)", latencyPeers,
                "ratio (median; bar: min–max over rounds)", false, 1.0));
        }
        grid("Ratios paired per round (linear)", ratioCharts, dir.resolve("ratios.png"));
    }

    private static Set<String> cases(final List<String[]> rows)
    {
        final Set<String> cases = new LinkedHashSet<>();
        rows.forEach(r -> cases.add(r[0]));
        return cases;
    }

    private static boolean verified(final List<String[]> rows, final String kase, final String systemAndWait)
    {
        for (final String[] r : rows)
        {
            if (r[0].equals(kase) && (r[1] + "/" + r[2]).equals(systemAndWait))
            {
                return "yes".equals(r[9]);
            }
        }
        return false;
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

    /** One panel: a bar per row, coloured by system, with its min–max bar; a dashed line at {@code marker}. */
    private static JFreeChart panel(
        final String title, final List<Bar> bars, final String axisLabel, final boolean log, final Double marker)
    {
        final DefaultCategoryDataset data = new DefaultCategoryDataset();
        double top = 0;
        for (final Bar bar : bars)
        {
            // the figure goes into the axis label, where a short bar cannot hide it
            data.addValue(bar.value(), "value", bar.label().replace('\n', ' ') + ": " + figure(bar.value()) +
                (bar.verified() ? "" : " (unverified)"));
            top = Math.max(top, Double.isNaN(bar.max()) ? bar.value() : Math.max(bar.value(), bar.max()));
        }
        final ValueAxis axis;
        if (log)
        {
            final LogAxis logAxis = new LogAxis(axisLabel);
            logAxis.setBase(10);
            logAxis.setSmallestValue(0.1);
            logAxis.setRange(0.1, top * 2); // room for the highest round's bar
            logAxis.setTickUnit(new NumberTickUnit(1.0)); // one tick per power of ten
            logAxis.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
            axis = logAxis;
        }
        else
        {
            final NumberAxis numberAxis = new NumberAxis(axisLabel);
            numberAxis.setRange(0, top * 1.08); // room for the highest round's bar
            axis = numberAxis;
        }
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        final CategoryAxis categories = new CategoryAxis();
        categories.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        categories.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        final RangeBarRenderer renderer = new RangeBarRenderer(bars);
        if (log)
        {
            renderer.setBase(0.1); // bars start at the axis floor on a log scale
        }
        final CategoryPlot plot = new CategoryPlot(data, categories, axis, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        if (marker != null)
        {
            final ValueMarker line = new ValueMarker(marker, Color.DARK_GRAY,
                new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
            plot.addRangeMarker(line);
        }
        final LegendItemCollection legend = new LegendItemCollection();
        final Set<String> systems = new LinkedHashSet<>();
        bars.forEach(b -> systems.add(b.system()));
        for (final String system : systems)
        {
            legend.add(new LegendItem(system, colour(system)));
        }
        if (bars.stream().anyMatch(b -> !b.verified()))
        {
            legend.add(new LegendItem("hatched: unverified", null, null, null, new Rectangle(0, 0, 10, 10),
                hatched(Color.GRAY)));
        }
        plot.setFixedLegendItems(legend);
        final JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setTitle(new TextTitle(title, new Font(Font.SANS_SERIF, Font.BOLD, 13)));
        final LegendTitle legendTitle = chart.getLegend();
        legendTitle.setPosition(RectangleEdge.BOTTOM);
        legendTitle.setItemFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** Three significant figures or so: 0.36, 23.6, 150. */
    private static String figure(final double v)
    {
        return v >= 100 ? String.format("%.0f", v) : v >= 10 ? String.format("%.1f", v) : String.format("%.2f", v);
    }

    /** Diagonal lines of the system's colour on white: an unverified row. */
    private static Paint hatched(final Color colour)
    {
        final BufferedImage tile = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = tile.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 8, 8);
        g.setColor(colour);
        g.setStroke(new BasicStroke(2f));
        g.drawLine(0, 8, 8, 0);
        g.drawLine(-4, 4, 4, -4);
        g.drawLine(4, 12, 12, 4);
        g.dispose();
        return new TexturePaint(tile, new Rectangle(0, 0, 8, 8));
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

    /** Bars coloured by system (hatched when unverified), each with a black min–max bar. */
    private static final class RangeBarRenderer extends BarRenderer
    {
        private static final long serialVersionUID = 1L;
        private final transient List<Bar> bars;

        RangeBarRenderer(final List<Bar> bars)
        {
            this.bars = bars;
            setBarPainter(new StandardBarPainter());
            setShadowVisible(false);
            setMaximumBarWidth(0.08);
        }

        @Override
        public Paint getItemPaint(final int row, final int column)
        {
            final Bar bar = bars.get(column);
            return bar.verified() ? colour(bar.system()) : hatched(colour(bar.system()));
        }

        @Override
        public void drawItem(
            final Graphics2D g2, final CategoryItemRendererState state, final Rectangle2D dataArea,
            final CategoryPlot plot, final CategoryAxis domainAxis, final ValueAxis rangeAxis,
            final CategoryDataset dataset, final int row, final int column, final int pass)
        {
            super.drawItem(g2, state, dataArea, plot, domainAxis, rangeAxis, dataset, row, column, pass);
            final Bar bar = bars.get(column);
            if (pass != getPassCount() - 1 || Double.isNaN(bar.min()) || Double.isNaN(bar.max()))
            {
                return;
            }
            final double x = calculateBarW0(plot, plot.getOrientation(), dataArea, domainAxis, state, row, column) +
                state.getBarWidth() / 2;
            final RectangleEdge edge = plot.getRangeAxisEdge();
            final double y0 = rangeAxis.valueToJava2D(bar.min(), dataArea, edge);
            final double y1 = rangeAxis.valueToJava2D(bar.max(), dataArea, edge);
            final double cap = Math.max(3, state.getBarWidth() / 4);
            g2.setPaint(Color.BLACK);
            g2.setStroke(new BasicStroke(1.5f));
            g2.draw(new Line2D.Double(x, y0, x, y1));
            g2.draw(new Line2D.Double(x - cap, y0, x + cap, y0));
            g2.draw(new Line2D.Double(x - cap, y1, x + cap, y1));
        }
    }
}
