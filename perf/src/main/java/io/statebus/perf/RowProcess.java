package io.statebus.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one row in a child JVM ({@link RowMain}) with this JVM's flags; forwards its progress; returns its RESULT. */
final class RowProcess
{
    private RowProcess()
    {
    }

    /** The row's RESULT fields, or null if it printed none or exited non-zero. */
    static String run(final String[] row, final boolean quick) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command(row, quick)).redirectErrorStream(true).start();
        startWatchdog(process, quick);
        final String result = forwardOutput(process);
        final int exit = process.waitFor();
        if (exit != 0)
        {
            System.out.println("  row exited with " + exit);
            return null;
        }
        return result;
    }

    private static List<String> command(final String[] row, final boolean quick)
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-Xms1g");
        command.add("-Xmx1g");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(RowMain.class.getName());
        command.addAll(List.of(row[0], row[1], row[2], quick ? "quick" : "full"));
        return command;
    }

    /** Kills a row that outlives its time, so one hung row fails instead of hanging the run. */
    private static void startWatchdog(final Process process, final boolean quick)
    {
        final Thread killer = new Thread(() -> {
            try
            {
                if (!process.waitFor(quick ? 60 : 300, TimeUnit.SECONDS))
                {
                    System.out.println("row timed out: killing it");
                    process.destroyForcibly();
                }
            }
            catch (final InterruptedException ignore)
            {
                // runner ending
            }
        });
        killer.setDaemon(true);
        killer.start();
    }

    /** Prints the row's lines indented; returns the fields of its last RESULT line (null: none). */
    private static String forwardOutput(final Process process) throws IOException
    {
        String result = null;
        try (BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                if (line.startsWith("RESULT\t"))
                {
                    result = line.substring("RESULT\t".length());
                }
                else
                {
                    System.out.println("  " + line);
                }
            }
        }
        return result;
    }
}
