package io.statebus.aeron;

import io.statebus.aeron.examples.MirrorProcess;
import io.statebus.aeron.examples.SourceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's two-process example, its two mains run in one JVM: the mirror sees the source halt. */
class ReadmeExampleTest
{
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theMirrorAwaitsTheSourcesHalt() throws Exception
    {
        final String dir = "/dev/shm/aeron-sb-readme-" + ProcessHandle.current().pid() + "-" +
            Long.toHexString(ThreadLocalRandom.current().nextLong());
        final AtomicReference<Throwable> sourceFailure = new AtomicReference<>();
        final PrintStream out = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        final Thread source = new Thread(() ->
        {
            try
            {
                SourceProcess.main(new String[] {dir, "aeron:ipc?term-length=64k", "8", "200"});
            }
            catch (final Throwable ex)
            {
                sourceFailure.set(ex);
            }
        }, "source-process");
        try
        {
            source.start();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!new File(dir, "cnc.dat").exists() && System.nanoTime() < deadline)
            {
                Thread.onSpinWait(); // the source's driver is starting: nothing to wait on but its file
            }
            MirrorProcess.main(new String[] {dir, "aeron:ipc?term-length=64k"});
            source.join(20_000);
        }
        finally
        {
            System.setOut(out);
            source.interrupt();
            source.join(10_000);
        }
        out.print(captured.toString(StandardCharsets.UTF_8));
        assertThat(sourceFailure.get()).isNull();
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("mirror: source at #")
            .containsAnyOf("mirror: MATCHED", "mirror: ALREADY");
        assertThat(new File(dir)).doesNotExist();
    }
}
