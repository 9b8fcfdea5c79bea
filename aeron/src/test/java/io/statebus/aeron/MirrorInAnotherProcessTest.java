package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mirror in a second JVM ({@link MirrorChild}, same java, class path and flag): the chain and the counts hold
 * across the process boundary, and each side reads the other's counters from the driver's cnc.dat.
 */
class MirrorInAnotherProcessTest
{
    private static final int TRANSITIONS = 50_000;
    private static final int BUS_ID = 5;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ipc", "udp"})
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aMirrorProcessReceivesEveryTransitionChainedAndBothSidesSeeTheCounters(final String transport)
        throws Exception
    {
        final String channel = transport.equals("ipc") ? TestDriver.IPC : TestDriver.udpChannel();
        try (TestDriver driver = TestDriver.start("child-" + transport);
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(1024)
                .producerMode(ProducerMode.SINGLE).build())
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(channel, 40);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, StateTable.forEnum(Phase.class),
                publication).busId(BUS_ID).policy(Policy.BLOCK).counters(driver.aeron).build();

            final ChildMirror childMirror = new ChildMirror(driver.dir, channel, 40, BUS_ID, TRANSITIONS);
            final Process child = childMirror.process;
            final BlockingQueue<String> lines = childMirror.lines;
            try
            {
                final AtomicReference<String> ready = new AtomicReference<>();
                Pump.until(() -> ready.get() != null || !child.isAlive(), Duration.ofSeconds(30), "the child READY",
                    bridge, Pump.of("stdout", () ->
                    {
                        final String line = lines.poll();
                        if (line != null && line.startsWith("READY"))
                        {
                            ready.set(line);
                        }
                        return line == null ? 0 : 1;
                    }));
                assertThat(ready.get()).as("the child's first line (alive: %s)", child.isAlive()).isEqualTo("READY 0");

                final Thread producer = new Thread(() ->
                {
                    Phase next = Phase.PRE_OPEN;
                    for (int i = 0; i < TRANSITIONS; i++)
                    {
                        next = next.next();
                        source.set(next);
                    }
                }, "producer");
                producer.start();
                final AtomicReference<String> done = new AtomicReference<>();
                final AtomicReference<String> published = new AtomicReference<>();
                Pump.until(() -> published.get() != null || !child.isAlive(), Duration.ofSeconds(60),
                    "the child DONE", bridge, Pump.of("stdout", () ->
                    {
                        final String line = lines.poll();
                        if (line != null && line.startsWith("DONE"))
                        {
                            done.set(line);
                        }
                        if (line != null && line.startsWith("SOURCE_PUBLISHED"))
                        {
                            published.set(line);
                        }
                        return line == null ? 0 : 1;
                    }));
                producer.join(5_000);
                assertThat(done.get()).isEqualTo("DONE join=0 count=" + TRANSITIONS + " last=" + TRANSITIONS +
                    " gaps=0 missed=0 problems=0 state=" + source.get());
                assertThat(published.get()).isEqualTo("SOURCE_PUBLISHED=" + TRANSITIONS);
                assertThat(bridge.sent()).isEqualTo(TRANSITIONS);

                // the child's counters, read here from the same driver's cnc.dat while the child runs
                try (StatebusStat stat = new StatebusStat(new File(driver.dir)))
                {
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!Long.valueOf(TRANSITIONS).equals(stat.value("statebus mirror latest: bus=" + BUS_ID)) &&
                        System.nanoTime() < deadline)
                    {
                        Thread.onSpinWait();
                    }
                    assertThat(stat.value("statebus mirror latest: bus=" + BUS_ID)).isEqualTo(TRANSITIONS);
                    // messages: a run of transitions counts once
                    assertThat(stat.value("statebus mirror received: bus=" + BUS_ID)).isPositive();
                    assertThat(stat.value("statebus mirror lost: bus=" + BUS_ID)).isZero();
                    assertThat(stat.value("statebus receiver malformed: ")).isZero();
                }
                childMirror.exit();
                assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
                assertThat(child.exitValue()).isZero();
            }
            finally
            {
                childMirror.close();
                bridge.close();
            }
        }
    }
}
