package io.statebus.perf;

import java.util.List;

/** The run's console table: the TSV's columns aligned, ops/s with thousands separators, then the notes. */
final class ConsoleTable
{
    private ConsoleTable()
    {
    }

    static void print(final List<String[]> rows, final List<String> notes)
    {
        final String[] head = PerfRunner.HEADER.split("\t");
        final int[] width = new int[head.length];
        for (int c = 0; c < head.length; c++)
        {
            width[c] = head[c].length();
            for (final String[] r : rows)
            {
                width[c] = Math.max(width[c], pretty(c, r[c]).length());
            }
        }
        final StringBuilder out = new StringBuilder("\n");
        appendRow(out, head, width, false);
        for (final String[] r : rows)
        {
            appendRow(out, r, width, true);
        }
        out.append("\nnotes:\n");
        for (final String note : notes)
        {
            out.append("  ").append(note.replace('\t', ' ')).append('\n');
        }
        System.out.print(out);
    }

    private static void appendRow(final StringBuilder out, final String[] r, final int[] width, final boolean pretty)
    {
        for (int c = 0; c < r.length; c++)
        {
            final String v = pretty ? pretty(c, r[c]) : r[c];
            out.append(c < 3 ? String.format("%-" + width[c] + "s", v) : String.format("%" + width[c] + "s", v));
            out.append("  ");
        }
        out.append('\n');
    }

    /** Thousands separators for the numeric columns of the console table (the TSV keeps plain numbers). */
    private static String pretty(final int column, final String value)
    {
        if (column == 4 && value.matches("\\d+"))
        {
            return String.format("%,d", Long.parseLong(value));
        }
        return value;
    }
}
