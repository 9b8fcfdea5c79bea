package io.statebus.aeron;

import io.statebus.aeron.examples.LongAndKeyedBuses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's long and keyed example runs: the mirrors see the position reach 100 and order 42 filled. */
class ReadmeLongAndKeyedExampleTest
{
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theMirrorsSeeThePositionAndTheOrder() throws Exception
    {
        final String dir = "/dev/shm/aeron-sb-readme-keyed-" + ProcessHandle.current().pid() + "-" +
            Long.toHexString(ThreadLocalRandom.current().nextLong());
        final PrintStream out = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            LongAndKeyedBuses.main(new String[] {dir});
        }
        finally
        {
            System.setOut(out);
        }
        final String printed = captured.toString(StandardCharsets.UTF_8);
        out.print(printed);
        // the ten sets may all reach the mirror before its await starts (ALREADY), or not (MATCHED): either is right
        assertThat(printed).containsAnyOf("mirror: position MATCHED #10 90 -> 100",
                "mirror: position ALREADY #10 90 -> 100")
            .contains("mirror: order 42 NEW -> NEW").contains("mirror: order 42 PARTIAL -> FILLED")
            .contains("mirror: order 42 filled true, open keys 0");
        assertThat(new File(dir)).doesNotExist();
    }
}
