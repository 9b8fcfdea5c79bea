package io.statebus.aeron;

import io.statebus.LongStateBus;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.aeron.Aeron;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A subscription exposed with {@link TransitionBridge#exposeCounters}, or with a mirror's
 * {@link MirroredEndpoint#exposeCounters} (a remote consumer of a mirrored bus), shows over Aeron the counts it has in
 * process (delivered, missed, gaps, lag, lapped on a small ring), and its counters are freed once it closes: a bridge
 * or a mirror that lives long while subscriptions come and go holds counters for the open ones only, not one set per
 * subscription it ever exposed (1,000 subscribe, expose, close cycles leave its own counters alone); closing a
 * receiver frees those still open. Exposing where no counters can be, or no subscription, is a clear exception.
 */
class ExposedCountersEndWithTheirSubscriptionTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);
    /** The bridge's 7 (published, waits, sent, dropped, back-pressured, snapshots, stalls), its subscription's 4. */
    private static final int BRIDGE_COUNTERS = 7 + 4;
    /** A receiver's 2 (received, malformed), its one mirror's 5 (received, latest, lost, gaps, sessions). */
    private static final int MIRROR_COUNTERS = 2 + 5;

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

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirroredBusesSubscriptionShowsItsCountsOverAeron() throws Exception
    {
        try (TestDriver driver = TestDriver.start("mirror-exposed");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build();
            StatebusStat stat = new StatebusStat(new File(driver.dir)))
        {
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 72)).busId(7).build();
            final MirrorReceiver receiver = receiver(driver.aeron, 72);
            final MirroredBus<Phase> mirrored = receiver.mirror(7, PHASES, b -> b.capacity(8));
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the local bus", bridge, receiver);
            final Subscription<Phase> risk = mirrored.bus().subscribe(Policy.GAP);
            mirrored.exposeCounters("risk", risk);
            for (int n = 0; n < 50; n++) // on a local ring of 8: lapped
            {
                source.set(source.get().next());
            }
            Pump.until(() -> mirrored.latestSequence() == source.latestSequence(), Duration.ofSeconds(10),
                "all 50 mirrored", bridge, receiver);
            risk.poll((t, end) -> { }, 3);
            final String suffix = ": bus=7 stream=72 risk";
            Pump.until(() -> counter(driver.aeron, "statebus delivered" + suffix) == risk.delivered() &&
                counter(driver.aeron, "statebus lag" + suffix) == risk.lag(), Duration.ofSeconds(10),
                "delivered " + risk.delivered() + " and lag " + risk.lag() + " refreshed", receiver);
            assertThat(counter(driver.aeron, "statebus missed" + suffix)).isEqualTo(risk.missed()).isPositive();
            assertThat(counter(driver.aeron, "statebus gaps" + suffix)).isEqualTo(risk.gaps()).isPositive();
            assertThat(risk.delivered()).isPositive();
            assertThat(risk.lag()).isPositive();
            assertThat(stat.value("statebus delivered" + suffix)).as("statebus-stat").isEqualTo(risk.delivered());
            mirrored.bus().close(); // ends its subscription, which was not closed itself
            Pump.until(() -> statebusCounters(driver) == MIRROR_COUNTERS, Duration.ofSeconds(5),
                "the subscription's counters freed with its bus", receiver);
            bridge.close();
            receiver.close();
            Pump.until(() -> statebusCounters(driver) == 0, Duration.ofSeconds(5), "the receiver's counters freed");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aThousandExposedMirrorSubscriptionsClosedLeaveOnlyTheMirrorsCounters() throws Exception
    {
        try (TestDriver driver = TestDriver.start("mirror-exposed-churn", c -> c.counterFreeToReuseTimeoutNs(0));
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build();
            // a client that yields, not sleeps a millisecond, while the driver answers: 8,000 counters added and freed
            Aeron client = Aeron.connect(TestDriver.client(driver.dir).awaitingIdleStrategy(new YieldingIdleStrategy())))
        {
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 73)).busId(7).build(); // no counters
            final MirrorReceiver receiver = receiver(client, 73);
            final MirroredBus<Phase> mirrored = receiver.mirror(7, PHASES, b -> b.capacity(8));
            Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the local bus", bridge, receiver);
            for (int i = 0; i < 1_000; i++)
            {
                final Subscription<Phase> sub = mirrored.bus().subscribe(Policy.GAP);
                mirrored.exposeCounters("cycle " + i + ";", sub);
                source.set(source.get().next());
                Pump.until(() -> mirrored.latestSequence() == source.latestSequence(), Duration.ofSeconds(10),
                    "transition " + i + " mirrored", bridge, receiver);
                sub.poll((t, end) -> { }, 3);
                sub.close();
                receiver.doWork();
            }
            final int before = statebusCounters(driver);
            Pump.until(() -> statebusCounters(driver) == MIRROR_COUNTERS, Duration.ofSeconds(10),
                "only the mirror's " + MIRROR_COUNTERS + " counters (" + before + " after the last close)", receiver);
            mirrored.exposeCounters("left open", mirrored.bus().subscribe(Policy.GAP));
            Pump.until(() -> statebusCounters(driver) == MIRROR_COUNTERS + 4, Duration.ofSeconds(5), "4 more");
            receiver.close(); // frees the open one's too
            Pump.until(() -> statebusCounters(driver) == 0, Duration.ofSeconds(5), "no statebus counter left");
            bridge.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void exposingOnAMirrorWithoutCountersClosedOrOfAnotherBusIsAClearException() throws Exception
    {
        try (TestDriver driver = TestDriver.start("mirror-expose-refused");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build();
            StateBus<Phase> other = StateBus.builder(Phase.PRE_OPEN).build())
        {
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 74)).busId(7).build();
            final MirrorReceiver plain = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 74));
            final MirrorReceiver counted = receiver(driver.aeron, 74);
            final MirroredBus<Phase> withoutCounters = plain.mirror(7, PHASES, b -> b);
            final MirroredBus<Phase> mirrored = counted.mirror(7, PHASES, b -> b);
            Pump.until(() -> withoutCounters.bus() != null && mirrored.bus() != null, Duration.ofSeconds(10),
                "the local buses", bridge, plain, counted);

            assertThatThrownBy(() -> withoutCounters.exposeCounters("x", withoutCounters.bus().subscribe(Policy.GAP)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no Aeron client");
            assertThatThrownBy(() -> mirrored.exposeCounters("x", other.subscribe(Policy.GAP)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not of the local bus");
            final Subscription<Phase> sub = mirrored.bus().subscribe(Policy.GAP);
            counted.close();
            assertThatThrownBy(() -> mirrored.exposeCounters("x", sub))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            Pump.until(() -> statebusCounters(driver) == 0, Duration.ofSeconds(5), "no statebus counter left");
            plain.close();
            bridge.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void exposingNothingOnABridgeIsRefusedAtOnceAndTheBridgeGoesOn() throws Exception
    {
        try (TestDriver driver = TestDriver.start("bridge-expose-null");
            LongStateBus source = StateBus.longBuilder(0).build())
        {
            final TransitionBridge<Long> bridge = TransitionBridge.builder(source,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 75)).counters(driver.aeron).build();
            // a long bus's subscriptions do not name their bus: a null was taken, and failed the next refresh
            assertThatThrownBy(() -> bridge.exposeCounters("x", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("subscription must not be null");
            Pump.forDuration(Duration.ofMillis(20), bridge); // counters refreshed: nothing fails
            assertThat(bridge.isFailed()).isFalse();
            assertThat(statebusCounters(driver)).isEqualTo(BRIDGE_COUNTERS);
            bridge.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void exposingOnAFailedBridgeIsRefusedAsOnAFailedMirror() throws Exception
    {
        try (TestDriver driver = TestDriver.start("bridge-expose-failed");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build())
        {
            final io.aeron.ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 76);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .counters(driver.aeron).build();
            publication.close();
            source.set(Phase.OPEN);
            assertThatThrownBy(bridge::doWork).hasMessageContaining("the publication is closed");
            // no duty cycle would ever refresh them: they would read 0 whatever the subscription delivers
            final Subscription<Phase> sub = source.subscribe(Policy.GAP);
            assertThatThrownBy(() -> bridge.exposeCounters("late", sub)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed");
            assertThat(statebusCounters(driver)).isEqualTo(BRIDGE_COUNTERS);
            bridge.close();
        }
    }

    private static MirrorReceiver receiver(final Aeron aeron, final int streamId)
    {
        return new MirrorReceiver(aeron.addSubscription(TestDriver.IPC, streamId), aeron, new MirrorListener()
        {
        }, 64);
    }

    /** @return the value of the StateBus counter labelled {@code label}, read as another process does; else fails. */
    private static long counter(final Aeron aeron, final String label)
    {
        final CountersReader reader = aeron.countersReader();
        final long[] value = {0};
        final int[] found = {0};
        reader.forEach((id, typeId, key, text) ->
        {
            if (CounterTypes.isStateBus(typeId) && text.equals(label))
            {
                value[0] = reader.getCounterValue(id);
                found[0]++;
            }
        });
        assertThat(found[0]).as("counters labelled '%s'", label).isEqualTo(1);
        return value[0];
    }

    private static int statebusCounters(final TestDriver driver)
    {
        final int[] count = new int[1];
        driver.aeron.countersReader().forEach((id, typeId, key, label) ->
            count[0] += CounterTypes.isStateBus(typeId) ? 1 : 0);
        return count[0];
    }
}
