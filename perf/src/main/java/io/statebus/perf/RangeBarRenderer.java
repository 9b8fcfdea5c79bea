package io.statebus.perf;

import io.statebus.perf.Plots.Bar;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.CategoryDataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.List;

import static io.statebus.perf.SystemPaint.colour;
import static io.statebus.perf.SystemPaint.hatched;

/** Bars coloured by system (hatched when unverified), each with a black min–max bar. */
final class RangeBarRenderer extends BarRenderer
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
