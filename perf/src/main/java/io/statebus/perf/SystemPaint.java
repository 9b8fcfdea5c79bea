package io.statebus.perf;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.Rectangle;
import java.awt.TexturePaint;
import java.awt.image.BufferedImage;
import java.util.Map;

/** How a system looks in every chart: its colour, and the hatching of its bar when the row was unverified. */
final class SystemPaint
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

    private SystemPaint()
    {
    }

    /** The system's colour; a system without one of its own gets one from its name. */
    static Color colour(final String system)
    {
        final Color c = COLOURS.get(system);
        return c != null ? c : Color.getHSBColor((system.hashCode() & 0xff) / 255f, 0.5f, 0.7f);
    }

    /** Diagonal lines of the system's colour on white: an unverified row. */
    static Paint hatched(final Color colour)
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
}
