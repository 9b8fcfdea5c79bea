package io.statebus.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's code is compiled and run: every {@code java} block in README.md is, word for word, one of the
 * examples in {@code src/examples/java} (which the build compiles with the tests), less its package line; and each
 * example, run as written in a JVM of its own, prints what the README says it prints and exits by itself.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ReadmeExamplesTest
{
    private static final Path README = Path.of("README.md");
    private static final Path EXAMPLES = Path.of("src/examples/java/io/statebus/examples");
    private static final Path AERON_EXAMPLES = Path.of("aeron/src/examples/java");

    @Test
    void everyJavaBlockOfTheReadmeIsAnExampleTheBuildCompiles() throws IOException
    {
        final List<String> blocks = javaBlocks(Files.readString(README, StandardCharsets.UTF_8));
        final List<String> examples = new ArrayList<>();
        try (Stream<Path> files = Files.list(EXAMPLES))
        {
            for (final Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList())
            {
                examples.add(withoutPackageLine(Files.readString(file, StandardCharsets.UTF_8)));
            }
        }
        assertThat(blocks).describedAs("the README's java blocks").isNotEmpty();
        // the aeron module's examples (its own build compiles and runs them): a block may be an excerpt of one
        final List<String> aeronExamples = new ArrayList<>();
        if (Files.isDirectory(AERON_EXAMPLES))
        {
            try (Stream<Path> files = Files.walk(AERON_EXAMPLES))
            {
                for (final Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList())
                {
                    aeronExamples.add(stripped(Files.readString(file, StandardCharsets.UTF_8)));
                }
            }
        }
        for (final String block : blocks)
        {
            final boolean whole = examples.contains(block);
            final boolean excerpt = aeronExamples.stream().anyMatch(e -> e.contains(stripped(block)));
            assertThat(whole || excerpt).describedAs("a java block of README.md is a file of %s or an excerpt of " +
                "one of %s:%n%s", EXAMPLES, AERON_EXAMPLES, block).isTrue();
        }
        assertThat(blocks.get(0)).describedAs("the quick start comes first")
            .isEqualTo(withoutPackageLine(Files.readString(EXAMPLES.resolve("QuickStart.java"))));
    }

    @Test
    void theQuickStartRunAsWrittenPrintsItsStoryAndExits() throws Exception
    {
        final List<String> lines = run(QuickStart.class);
        // the agent logs every transition, in order, on its thread; the handler thread drains once, on CLOSING;
        // the two threads' lines interleave as they run, so each thread's own lines are checked in order
        assertThat(lines.stream().filter(l -> l.startsWith("log ")).toList()).containsExactly(
            "log #1 DISCONNECTED -> CONNECTING",
            "log #2 CONNECTING -> CONNECTED",
            "log #3 CONNECTED -> CLOSING",
            "log #4 CLOSING -> CLOSED");
        assertThat(lines.stream().filter(l -> !l.startsWith("log ")).toList()).containsExactly(
            "drain pending requests",
            "awaitAsync: #4 CLOSING -> CLOSED; await: ALREADY #4 CLOSING -> CLOSED; now CLOSED");
        assertThat(lines).last().asString().startsWith("awaitAsync: ");
    }

    /** The other examples print what the README (or their own comments) say they print, and exit. */
    @Test
    void everyOtherExampleRunAsWrittenPrintsWhatTheReadmeSays() throws Exception
    {
        assertThat(run(RegisterThenWait.class)).containsExactly("MATCHED #1 CONNECTED -> CLOSING");
        assertThat(run(SessionId.class)).containsExactly("#1 null -> s-1", "#2 s-1 -> null", "#3 null -> s-2", "s-2");
        assertThat(run(PriceInTicks.class))
            .containsExactly("#1 10000 -> 10005", "#2 10005 -> 10010", "ALREADY, now 10010");
        // "the five transitions to risk, order 2002's two to desk, and open orders: 0"
        assertThat(run(OrderBook.class)).containsExactly(
            "risk #1 order 1001: NEW -> NEW",
            "risk #2 order 2002: NEW -> NEW",
            "risk #3 order 1001: NEW -> PARTIALLY_FILLED",
            "risk #4 order 2002: NEW -> CANCELED",
            "risk #5 order 1001: PARTIALLY_FILLED -> FILLED",
            "desk order 2002 is NEW",
            "desk order 2002 is CANCELED",
            "open orders: 0");
    }

    /** Runs an example's main in a JVM of its own, as a user would; checks it exits with 0; returns its lines. */
    private static List<String> run(final Class<?> example) throws Exception
    {
        // everything this JVM can see, on the class path: also right once the library is a named module that the
        // tests run on the module path
        final String classPath = Stream.of(System.getProperty("java.class.path"), System.getProperty("jdk.module.path"))
            .filter(p -> p != null && !p.isEmpty())
            .collect(Collectors.joining(File.pathSeparator));
        final Process process = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath, example.getName())
            .redirectErrorStream(true)
            .start();
        process.getOutputStream().close();
        final String output;
        try
        {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8); // ends at exit
        }
        finally
        {
            if (!process.waitFor(60, TimeUnit.SECONDS)) // hang detection only
            {
                process.destroyForcibly();
            }
        }
        assertThat(process.exitValue()).describedAs("%s's exit status; output:%n%s", example, output).isZero();
        return output.lines().toList();
    }

    /** The contents of each {@code ```java} fenced block, in order. */
    private static List<String> javaBlocks(final String markdown)
    {
        final List<String> blocks = new ArrayList<>();
        StringBuilder block = null;
        for (final String line : markdown.split("\n", -1))
        {
            if (block == null && line.equals("```java"))
            {
                block = new StringBuilder();
            }
            else if (block != null && line.equals("```"))
            {
                blocks.add(block.toString());
                block = null;
            }
            else if (block != null)
            {
                block.append(line).append('\n');
            }
        }
        assertThat(block).describedAs("an unclosed java block in the README").isNull();
        return blocks;
    }

    private static String withoutPackageLine(final String source)
    {
        assertThat(source).startsWith("package io.statebus.examples;\n\n");
        return source.substring("package io.statebus.examples;\n\n".length());
    }

    /** Each line without its indentation: an excerpt may sit deeper in its file than in the README. */
    private static String stripped(final String text)
    {
        return text.strip().lines().map(String::strip).collect(Collectors.joining("\n"));
    }
}
