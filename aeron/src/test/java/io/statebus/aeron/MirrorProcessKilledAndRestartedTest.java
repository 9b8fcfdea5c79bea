package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mirror process killed mid-stream: the BLOCK bridge stalls on the dead subscriber (reported), the driver times the
 * dead client out, the bridge drops while nobody listens, never holding the source for good; a restarted mirror
 * process begins mid-stream (where its Aeron image joins: the dead subscriber's last position) and receives the rest
 * chained, whatever it did not receive reported in gap notices with the exact count.
 */
class MirrorProcessKilledAndRestartedTest
{
    private static final int TRANSITIONS = 100_000;
    private static final int BUS_ID = 6;
    private static final Pattern DONE = Pattern.compile(
        "DONE join=(\\d+) count=(\\d+) last=(\\d+) gaps=(\\d+) missed=(\\d+) problems=0 .*");

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void theBridgeReportsAndGoesOnAndTheRestartedMirrorJoinsWhereTheSourceIs() throws Exception
    {
        // the driver forgets a dead client after 2 s (default 10 s)
        try (TestDriver driver = TestDriver.start("killed",
                ctx -> ctx.clientLivenessTimeoutNs(TimeUnit.SECONDS.toNanos(2)));
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(1024)
                .producerMode(ProducerMode.SINGLE).build())
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 41);
            final AtomicLong stalls = new AtomicLong();
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, StateTable.forEnum(Phase.class),
                publication).busId(BUS_ID).stallThreshold(Duration.ofMillis(200)).listener(new BridgeListener()
                {
                    @Override
                    public void onStalled(final long sequence, final long stalledNanos)
                    {
                        stalls.incrementAndGet();
                    }
                }).build();
            final AtomicReference<Throwable> producerFailure = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < TRANSITIONS; i++)
                    {
                        source.set(source.get().next());
                    }
                }
                catch (final Throwable ex)
                {
                    producerFailure.set(ex);
                }
            }, "producer");

            try (ChildMirror first = new ChildMirror(driver.dir, TestDriver.IPC, 41, BUS_ID, Long.MAX_VALUE))
            {
                Pump.until(() -> "READY 0".equals(first.lines.peek()), Duration.ofSeconds(30), "the first mirror",
                    bridge);
                producer.start();
                // the bridge sends at most about a fifth of the stream before the kill, so the first mirror is killed
                // mid-stream however late this thread sees its progress line (it prints one every 10,000)
                Pump.until(() -> first.lines.stream().anyMatch(l -> l.startsWith("AT ")), Duration.ofSeconds(30),
                    "the first mirror under way", Pump.of("bridge", () -> bridge.sent() < TRANSITIONS / 5 ?
                        bridge.doWork() : 0));
                first.process.destroyForcibly(); // killed mid-stream
                first.process.waitFor(10, TimeUnit.SECONDS);
            }
            // the source goes on: the bridge stalls on the dead subscriber, then drops once the driver forgot it
            Pump.until(() -> bridge.droppedNotConnected() > 0, Duration.ofSeconds(20), "drops after the kill",
                bridge);
            assertThat(stalls.get()).isPositive();

            try (ChildMirror second = new ChildMirror(driver.dir, TestDriver.IPC, 41, BUS_ID, TRANSITIONS))
            {
                final AtomicReference<String> done = new AtomicReference<>();
                Pump.until(() -> done.get() != null || !second.process.isAlive(), Duration.ofSeconds(60),
                    "the second mirror DONE", bridge, Pump.of("stdout", () ->
                    {
                        final String line = second.lines.poll();
                        if (line != null && line.startsWith("DONE"))
                        {
                            done.set(line);
                        }
                        return line == null ? 0 : 1;
                    }));
                producer.join(10_000);
                assertThat(producerFailure.get()).isNull();
                System.out.println("MirrorProcessKilledAndRestartedTest: the second mirror: " + done.get());
                final Matcher m = DONE.matcher(String.valueOf(done.get()));
                assertThat(m.matches()).as("the second mirror's report: %s", done.get()).isTrue();
                final long join = Long.parseLong(m.group(1));
                assertThat(join).as("it joined mid-stream").isPositive();
                final long count = Long.parseLong(m.group(2));
                final long missed = Long.parseLong(m.group(5));
                assertThat(Long.parseLong(m.group(3))).isEqualTo(TRANSITIONS);
                assertThat(count + missed).as("delivered + missed after the join").isEqualTo(TRANSITIONS - join);
                assertThat(Long.parseLong(m.group(4)) > 0).isEqualTo(missed > 0);
                second.exit();
                assertThat(second.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            }
            finally
            {
                producer.join(10_000);
                bridge.close();
            }
        }
    }
}
