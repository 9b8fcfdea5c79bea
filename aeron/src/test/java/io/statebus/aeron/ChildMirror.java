package io.statebus.aeron;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link MirrorChild} in a second JVM (same java, class path and flag) and the lines it prints. */
final class ChildMirror implements AutoCloseable
{
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    ChildMirror(final String aeronDir, final String channel, final int streamId, final int busId, final long last)
        throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        for (final String flag : System.getProperty("statebus.test.jvmFlag",
            "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED").split(" "))
        {
            command.add(flag);
        }
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MirrorChild.class.getName());
        command.add(aeronDir);
        command.add(channel);
        command.add(Integer.toString(streamId));
        command.add(Integer.toString(busId));
        command.add(Long.toString(last));
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                for (String line = in.readLine(); line != null; line = in.readLine())
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignored)
            {
                // the child ended
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /** Tells the child to exit (it waits for a line on stdin once done). */
    void exit() throws IOException
    {
        try (OutputStream in = process.getOutputStream())
        {
            in.write("exit\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close()
    {
        process.destroyForcibly();
        try
        {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
