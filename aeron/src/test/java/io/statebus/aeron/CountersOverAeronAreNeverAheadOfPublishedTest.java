package io.statebus.aeron;

import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import org.agrona.concurrent.status.CountersReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Aeron counters one refresh writes are one consistent reading: a subscription's {@code delivered + missed}
 * never exceeds the source's {@code published} (less the join point) as written by the same refresh, even while
 * the source publishes and the subscription consumes on other threads during the refresh.
 */
class CountersOverAeronAreNeverAheadOfPublishedTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void eachRefreshShowsNoSubscriptionAheadOfThePublishedCount() throws Exception
    {
        final AtomicBoolean stop = new AtomicBoolean();
        try (TestDriver driver = TestDriver.start("counters-consistent");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(64).build())
        {
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 72)).busId(8).policy(Policy.GAP)
                .counters(driver.aeron).build();
            final Subscription<Phase> audit = source.subscribe(Policy.GAP, (t, end) -> { });
            bridge.exposeCounters("audit", audit);
            final Thread producer = new Thread(() ->
            {
                for (long i = 0; i < 500_000_000L && !stop.get(); i++)
                {
                    source.set(source.get().next());
                }
            }, "producer");
            producer.start();
            try
            {
                readWhileBothRun(driver, bridge, audit);
            }
            finally
            {
                stop.set(true);
                producer.join();
            }
            bridge.close();
        }
    }

    /** For 3 s: a duty cycle, then the counters it wrote, read back through the driver. */
    private static void readWhileBothRun(
        final TestDriver driver, final TransitionBridge<Phase> bridge, final Subscription<Phase> audit)
    {
        final CountersReader reader = driver.aeron.countersReader();
        final Map<String, Integer> ids = new HashMap<>();
        int reads = 0;
        final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() - end < 0)
        {
            bridge.doWork(); // this thread refreshes the counters: none is written while they are read here
            if (ids.isEmpty())
            {
                // "statebus delivered: bus=8 session=... audit" as "statebus delivered audit"
                reader.forEach((id, type, key, label) -> ids.put(label.replaceAll(":.*", "") +
                    (label.endsWith(" audit") ? " audit" : label.endsWith(" bridge") ? " bridge" : ""), id));
            }
            final long published = reader.getCounterValue(ids.get("statebus source published"));
            final long delivered = reader.getCounterValue(ids.get("statebus delivered audit"));
            final long missed = reader.getCounterValue(ids.get("statebus missed audit"));
            reads++;
            assertThat(delivered + missed).as("delivered %d + missed %d, published %d, read %d", delivered,
                missed, published, reads).isLessThanOrEqualTo(published - audit.joinSequence());
        }
    }
}
