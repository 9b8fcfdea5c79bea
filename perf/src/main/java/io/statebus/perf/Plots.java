package io.statebus.perf;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The two PNGs of a run, drawn headless with JFreeChart from the rows of latest.tsv. */
final class Plots
{
    private Plots()
    {
    }

    private static double number(final String s)
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

    /** Grouped bars: one group per throughput case, one bar per system and wait strategy; log scale. */
    static void throughput(final List<String[]> rows, final Path file) throws IOException
    {
        final DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (final String[] r : rows)
        {
            final double ops = number(r[4]);
            if (!"latency".equals(r[0]) && !"await".equals(r[0]) && ops > 0)
            {
                data.addValue(ops, r[1] + ("-".equals(r[2]) ? "" : " (" + r[2] + ")"), r[0]);
            }
        }
        final LogAxis axis = new LogAxis("operations per second (log scale)");
        axis.setBase(10);
        axis.setSmallestValue(1e4);
        final JFreeChart chart = chart("Throughput per case and system (medians; same run)", data, axis);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1400, 750);
    }

    /** p50 / p99 / p99.9 per system for the latency case (and the await case), from HdrHistogram. */
    static void latency(final List<String[]> rows, final Path file) throws IOException
    {
        final DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (final String[] r : rows)
        {
            if (!"latency".equals(r[0]) && !"await".equals(r[0]))
            {
                continue;
            }
            final String series = r[0] + ": " + r[1] + ("-".equals(r[2]) ? "" : " (" + r[2] + ")");
            final String[] names = {"p50", "p99", "p99.9"};
            for (int i = 0; i < 3; i++)
            {
                final double ns = number(r[5 + i]);
                if (ns > 0)
                {
                    data.addValue(ns, series, names[i]);
                }
            }
        }
        final LogAxis axis = new LogAxis("nanoseconds (log scale)");
        axis.setBase(10);
        axis.setSmallestValue(10);
        final JFreeChart chart = chart("One-way latency at " + RowMain.LATENCY_RATE +
            " msgs/s, and set -> await return (medians of iterations)", data, axis);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 1400, 750);
    }

    private static JFreeChart chart(final String title, final DefaultCategoryDataset data, final LogAxis axis)
    {
        final CategoryAxis categories = new CategoryAxis();
        categories.setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
        final BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.02);
        renderer.setBase(axis.getSmallestValue()); // bars start at the axis floor, not at 0 (log scale)
        final CategoryPlot plot = new CategoryPlot(data, categories, axis, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        axis.setTickUnit(new NumberTickUnit(1.0)); // one tick per power of ten
        final JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setTitle(new TextTitle(title, new Font(Font.SANS_SERIF, Font.BOLD, 16)));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
