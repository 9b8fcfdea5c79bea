package io.statebus.aeron;

import io.aeron.Counter;
import io.aeron.ExclusivePublication;
import io.statebus.Policy;
import io.statebus.StateBus;
import org.agrona.concurrent.AgentTerminationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bridge may be closed from any thread, also while its duty cycle runs (here from a listener's callback, inside
 * the cycle, where another thread's close may land): the cycle then stops quietly, not as a failure, and never
 * writes the Aeron counters the close freed (which other counters may take at once); and a closed bridge takes no
 * new counters.
 */
class ABridgeClosesCleanlyFromAnyThreadTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aCloseDuringACycleIsNotAFailure() throws Exception
    {
        try (TestDriver driver = TestDriver.start("close-mid-cycle");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(64).build())
        {
            final List<Throwable> failures = new ArrayList<>();
            final List<TransitionBridge<Phase>> bridges = new ArrayList<>();
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 61);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .listener(new BridgeListener()
                {
                    @Override
                    public void onDroppedNotConnected(final long firstDropped, final long lastDropped)
                    {
                        bridges.get(0).close(); // told when the snapshot for the new mirror went out
                    }

                    @Override
                    public void onFailed(final Throwable cause)
                    {
                        failures.add(cause);
                    }
                }).build();
            bridges.add(bridge);
            source.set(Phase.OPEN);
            bridge.doWork(); // nobody listens: #1 dropped
            assertThat(bridge.droppedNotConnected()).isEqualTo(1);
            final io.aeron.Subscription mirror = driver.aeron.addSubscription(TestDriver.IPC, 61);
            Pump.until(publication::isConnected, Duration.ofSeconds(5), "connected");
            assertThatCode(bridge::doWork).doesNotThrowAnyException(); // the snapshot, the close, the rest
            assertThat(failures).isEmpty();
            assertThat(bridge.isFailed()).isFalse();
            assertThat(bridge.doWork()).isZero();
            mirror.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aBridgeClosedDuringACycleNeverWritesTheCountersItFreed() throws Exception
    {
        try (TestDriver driver = TestDriver.start("close-mid-cycle-counters", c -> c.counterFreeToReuseTimeoutNs(0));
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(64).build())
        {
            final List<TransitionBridge<Phase>> bridges = new ArrayList<>();
            final List<Counter> own = new ArrayList<>();
            final io.aeron.Subscription slow = driver.aeron.addSubscription(TestDriver.IPC, 62);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 62)).counters(driver.aeron)
                .stallThreshold(Duration.ofMillis(20)).listener(new BridgeListener()
                {
                    @Override
                    public void onStalled(final long sequence, final long stalledNanos)
                    {
                        bridges.get(0).close();
                        for (int i = 0; i < 16; i++) // the application's own counters take the ids it freed
                        {
                            own.add(driver.aeron.addCounter(1_001, "the application's counter " + i));
                            own.get(i).set(777);
                        }
                        // bounded: past the bridge's 1 ms between two refreshes of its counters, so one is due now
                        final long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2);
                        while (System.nanoTime() - due < 0)
                        {
                            Thread.onSpinWait();
                        }
                    }
                }).build();
            bridges.add(bridge);
            // a subscriber that does not poll: the terms fill, the bridge is back-pressured and stalls
            Pump.until(() -> !own.isEmpty(), Duration.ofSeconds(15), "a stall", bridge, Pump.of("producer", () ->
            {
                try
                {
                    return source.trySet(source.get().next(), Duration.ZERO) ? 1 : 0;
                }
                catch (final InterruptedException ex)
                {
                    throw new AssertionError(ex);
                }
            }));
            for (final Counter counter : own)
            {
                assertThat(counter.get()).as("%s", counter.label()).isEqualTo(777);
            }
            own.forEach(Counter::close);
            slow.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aClosedBridgeExposesNoMoreCounters() throws Exception
    {
        try (TestDriver driver = TestDriver.start("closed-expose");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(64).build())
        {
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 63)).counters(driver.aeron).build();
            bridge.close();
            // the driver frees closed counters as it gets to the client's commands: awaited
            Pump.until(() -> statebusCounters(driver) == 0, Duration.ofSeconds(5), "the bridge's counters freed");
            assertThatThrownBy(() -> bridge.exposeCounters("late", source.subscribe(Policy.GAP)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            Pump.until(() -> statebusCounters(driver) == 0, Duration.ofSeconds(5), "no statebus counter left");
        }
    }

    private static int statebusCounters(final TestDriver driver)
    {
        final int[] count = new int[1];
        driver.aeron.countersReader().forEach((id, typeId, key, label) ->
            count[0] += typeId >= CounterTypes.FIRST && typeId < CounterTypes.END ? 1 : 0);
        return count[0];
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aClosedSourceEndsTheBridgeOnceEverythingItPublishedWasSentOrDropped() throws Exception
    {
        try (TestDriver driver = TestDriver.start("source-closed"))
        {
            final io.aeron.Subscription raw = driver.aeron.addSubscription(TestDriver.IPC, 64);
            final long[] received = {0};
            final StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build();
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 64);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication).build();
            Pump.until(publication::isConnected, Duration.ofSeconds(5), "connected", bridge);
            final StateBus<Phase> unheard = StateBus.builder(Phase.PRE_OPEN).build();
            final TransitionBridge<Phase> alone = TransitionBridge.builder(unheard, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 65)).build(); // no subscriber: not connected
            for (int i = 0; i < 3; i++)
            {
                source.set(source.get().next());
                unheard.set(unheard.get().next());
            }
            source.close();
            unheard.close();
            // as doWork's Javadoc says: an AgentTerminationException, after what the bus published went out
            assertThatThrownBy(() -> Pump.until(() -> false, Duration.ofSeconds(5), "the end", bridge))
                .hasRootCauseInstanceOf(AgentTerminationException.class);
            assertThat(bridge.sent()).isEqualTo(3);
            assertThat(bridge.isFailed()).isFalse();
            Pump.until(() -> received[0] == 1 + 3, Duration.ofSeconds(5), "the snapshot and 1..3",
                Pump.of("raw", () -> raw.poll((buffer, offset, length, header) ->
                    received[0] += 1 + (length - WireFormat.LENGTH) / WireFormat.ENTRY_LENGTH, 16)));
            assertThatThrownBy(() -> Pump.until(() -> false, Duration.ofSeconds(5), "the end", alone))
                .hasRootCauseInstanceOf(AgentTerminationException.class);
            assertThat(alone.droppedNotConnected()).isEqualTo(3);
            bridge.close();
            alone.close();
        }
    }
}
