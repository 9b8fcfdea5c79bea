package io.statebus.aeron;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.aeron.CncFileDescriptor;
import org.agrona.SemanticVersion;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@code statebus-stat} command, in a JVM of its own as the script runs it: bad arguments, and a {@code cnc.dat}
 * it cannot read, say what is wrong.
 */
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

    /** @return the command's exit status and what it printed on stderr, run in this JVM on {@code dir}. */
    private static String[] runHere(final Path dir) throws InterruptedException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = StatebusStat.run(new String[] {"--dir", dir.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(status), err.toString(StandardCharsets.UTF_8)};
    }

    /**
     * Writes a {@code cnc.dat} of {@code length} bytes whose header says {@code version} and a counters values buffer
     * of {@code valuesLength} bytes (the other lengths 0).
     */
    private static void writeCnc(final Path dir, final int length, final int version, final int valuesLength)
        throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        if (length >= CncFileDescriptor.END_OF_METADATA_OFFSET)
        {
            bytes.putInt(CncFileDescriptor.cncVersionOffset(0), version);
            bytes.putInt(CncFileDescriptor.countersValuesBufferLengthOffset(0), valuesLength);
        }
        Files.write(dir.resolve(CncFileDescriptor.CNC_FILE), bytes.array());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aCncFileItCannotReadIsToldAsSuchNotAsAnException(@TempDir final Path dir) throws Exception
    {
        writeCnc(dir, 4096, SemanticVersion.compose(SemanticVersion.major(CncFileDescriptor.CNC_VERSION) + 1, 0, 0), 0);
        final String[] otherVersion = runHere(dir);
        assertThat(otherVersion[0]).as(otherVersion[1]).isEqualTo("1");
        assertThat(otherVersion[1]).contains("statebus-stat: ", "version");

        writeCnc(dir, 0, 0, 0);
        final String[] empty = runHere(dir);
        assertThat(empty[0]).as(empty[1]).isEqualTo("1");
        assertThat(empty[1]).contains("statebus-stat: ", new File(dir.toFile(), CncFileDescriptor.CNC_FILE).getPath());

        writeCnc(dir, 4096, CncFileDescriptor.CNC_VERSION, 1 << 20); // a header of a longer file (cut short)
        final String[] tooShort = runHere(dir);
        assertThat(tooShort[0]).as(tooShort[1]).isEqualTo("1");
        assertThat(tooShort[1]).contains("statebus-stat: ", new File(dir.toFile(), CncFileDescriptor.CNC_FILE).getPath());

        Files.delete(dir.resolve(CncFileDescriptor.CNC_FILE));
        Files.createDirectory(dir.resolve(CncFileDescriptor.CNC_FILE)); // there, but no file to read
        final String[] directory = runHere(dir);
        assertThat(directory[0]).as(directory[1]).isEqualTo("1");
        assertThat(directory[1]).contains("statebus-stat: cannot read ");
        // a null directory is refused, not read as the working directory's cnc.dat
        assertThatThrownBy(() -> new StatebusStat(null)).isInstanceOf(NullPointerException.class)
            .hasMessage("aeronDir must not be null");
    }
}
