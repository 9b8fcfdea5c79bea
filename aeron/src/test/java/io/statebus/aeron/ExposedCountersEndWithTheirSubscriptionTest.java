package io.statebus.aeron;

import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscription exposed with {@link TransitionBridge#exposeCounters} shows over Aeron the counts it has in process
 * (delivered, missed, gaps, lag, lapped on a small ring), and its counters are freed once it closes: a bridge that
 * lives long while subscriptions come and go holds counters for the open ones only, not one set per subscription
 * it ever exposed (1,000 subscribe, expose, close cycles leave the bridge's own counters alone).
 */
class ExposedCountersEndWithTheirSubscriptionTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);
    /** The bridge's 7 (published, waits, sent, dropped, back-pressured, snapshots, stalls), its subscription's 4. */
    private static final int BRIDGE_COUNTERS = 7 + 4;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aThousandExposedSubscriptionsClosedLeaveOnlyTheBridgesCounters() throws Exception
    {
        try (TestDriver driver = TestDriver.start("exposed-churn", c -> c.counterFreeToReuseTimeoutNs(0));
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(8).build();
            StatebusStat stat = new StatebusStat(new File(driver.dir)))
        {
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 71)).busId(7).policy(Policy.GAP) // no wait
                .counters(driver.aeron).build();
            final String suffix = ": bus=7 session=" + Long.toHexString(bridge.session()) + " cycle ";
            for (int i = 0; i < 1_000; i++)
            {
                final Subscription<Phase> sub = source.subscribe(Policy.GAP);
                bridge.exposeCounters("cycle " + i + ";", sub);
                for (int n = 0; n < 1 + i % 20; n++) // up to 20 on a ring of 8: lapped
                {
                    source.set(source.get().next());
                }
                sub.poll((t, end) -> { }, 3);
                if (i % 100 == 0)
                {
                    final String label = suffix + i + ";";
                    Pump.untilCounter(stat, "statebus lag" + label, sub.lag(), bridge);
                    Pump.untilCounter(stat, "statebus delivered" + label, sub.delivered(), bridge);
                    assertThat(stat.value("statebus missed" + label)).isEqualTo(sub.missed());
                    assertThat(stat.value("statebus gaps" + label)).isEqualTo(sub.gaps());
                }
                sub.close();
                bridge.doWork();
            }
            final int before = statebusCounters(driver);
            Pump.until(() -> statebusCounters(driver) == BRIDGE_COUNTERS, Duration.ofSeconds(10),
                "only the bridge's " + BRIDGE_COUNTERS + " counters (" + before + " after the last close)", bridge);
            bridge.close();
            Pump.until(() -> statebusCounters(driver) == 0, Duration.ofSeconds(5), "no statebus counter left");
        }
    }

    private static int statebusCounters(final TestDriver driver)
    {
        final int[] count = new int[1];
        driver.aeron.countersReader().forEach((id, typeId, key, label) ->
            count[0] += CounterTypes.isStateBus(typeId) ? 1 : 0);
        return count[0];
    }
}
