package io.statebus.aeron.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** The perf rows' child JVMs: the same {@code java}, class path and Aeron flag; their output read line by line. */
final class Children
{
    private static final String FLAG = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    private Children()
    {
    }

    /** Starts {@code mainClass} with {@code args} in a JVM of its own; its stderr goes to ours. */
    static Process start(final Class<?> mainClass, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(FLAG.split(" ")));
        command.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(Arrays.asList(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** The child's stdout, line by line, read by a daemon thread into a queue. */
    static BlockingQueue<String> lines(final Process child)
    {
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread reader = new Thread(() ->
        {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8)))
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
        }, "receiver-stdout");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }
}
