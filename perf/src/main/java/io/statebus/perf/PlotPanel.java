package io.statebus.perf;

import io.statebus.perf.Plots.Bar;
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
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.text.DecimalFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static io.statebus.perf.SystemPaint.colour;
import static io.statebus.perf.SystemPaint.hatched;

/** One chart panel: a bar per row, coloured by system, with its min–max bar; a dashed line at a marker. */
final class PlotPanel
{
    private PlotPanel()
    {
    }

    /** The panel of {@code bars} on a linear or log axis; a dashed line at {@code marker} unless null. */
    static JFreeChart of(
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
        final ValueAxis axis = log ? logAxis(axisLabel, top) : linearAxis(axisLabel, top);
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
        plot.setFixedLegendItems(legend(bars));
        return chart(title, plot);
    }

    private static ValueAxis logAxis(final String axisLabel, final double top)
    {
        final LogAxis logAxis = new LogAxis(axisLabel);
        logAxis.setBase(10);
        logAxis.setSmallestValue(0.1);
        logAxis.setRange(0.1, top * 2); // room for the highest round's bar
        logAxis.setTickUnit(new NumberTickUnit(1.0)); // one tick per power of ten
        logAxis.setNumberFormatOverride(new DecimalFormat("#,##0.#"));
        return logAxis;
    }

    private static ValueAxis linearAxis(final String axisLabel, final double top)
    {
        final NumberAxis numberAxis = new NumberAxis(axisLabel);
        numberAxis.setRange(0, top * 1.08); // room for the highest round's bar
        return numberAxis;
    }

    /** One entry per system, in bar order, and one for the hatching if a bar is unverified. */
    private static LegendItemCollection legend(final List<Bar> bars)
    {
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
        return legend;
    }

    private static JFreeChart chart(final String title, final CategoryPlot plot)
    {
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
}
