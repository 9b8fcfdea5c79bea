package io.statebus.aeron;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code statebus-stat} command, in a JVM of its own as the script runs it: bad arguments say what is wrong. */
class StatebusStatCommandTest
{
    /** @return the command's exit status and what it printed (stdout and stderr). */
    private static String[] run(final String... args) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        for (final String flag : System.getProperty("statebus.test.jvmFlag",
            "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED").split(" "))
        {
            command.add(flag);
        }
        command.add("-Xmx64m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StatebusStat.class.getName());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try
        {
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("the command ends").isTrue();
            return new String[] {Integer.toString(process.exitValue()),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)};
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void badArgumentsAreToldWithTheUsageNotAStackTrace() throws Exception
    {
        final String[] noValue = run("--dir");
        assertThat(noValue[0]).isEqualTo("2");
        assertThat(noValue[1]).contains("statebus-stat: --dir needs a value", "usage: statebus-stat")
            .doesNotContain("Exception");
        final String[] notANumber = run("--dir", "/nonexistent", "--watch", "abc");
        assertThat(notANumber[0]).isEqualTo("2");
        assertThat(notANumber[1]).contains("statebus-stat: --watch needs a number of seconds, got abc")
            .doesNotContain("Exception");
    }
}
