package io.statebus.aeron;

import io.aeron.Counter;
import io.statebus.KeyedStateBus;
import io.statebus.StateBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.statebus.aeron.KeyedBusOverTheWireTest.PHASES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A mirror receiver, and each mirrored bus, releases what it took when closed: its Aeron counters (never written
 * after), its local buses (closed, never handed out after), and it starts no thread; receivers closed and created
 * again on one stream many times leave nothing behind.
 */
class MirrorReceiverReleasesEverythingTest
{
    private static int statebusCounters(final TestDriver driver)
    {
        final int[] count = new int[1];
        driver.aeron.countersReader().forEach((id, typeId, key, label) ->
        {
            if (typeId >= CounterTypes.FIRST && typeId < CounterTypes.END)
            {
                count[0]++;
            }
        });
        return count[0];
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void receiversClosedAndCreatedAgainOnOneStreamLeaveNoCounterNoThreadAndNoOpenBus() throws Exception
    {
        try (TestDriver driver = TestDriver.start("receiver-cycles");
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 41)).snapshotInterval(Duration.ofMillis(5)).build();
            final int countersBefore = statebusCounters(driver);
            final java.util.Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
            final List<KeyedStateBus<Phase>> locals = new ArrayList<>();
            for (int i = 0; i < 25; i++)
            {
                source.open(i, Phase.OPEN);
                final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 41),
                    driver.aeron, new MirrorListener()
                    {
                    }, 64);
                final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES,
                    KeyedBusOverTheWireTest::keyed);
                Pump.until(() -> mirrored.bus() != null && mirrored.bus().openKeys() == source.openKeys(),
                    Duration.ofSeconds(5), "receiver " + i + "'s mirror", bridge, receiver);
                assertThat(statebusCounters(driver)).isEqualTo(countersBefore + 2 + 5);
                locals.add(mirrored.bus());
                receiver.close();
                receiver.subscription().close();
                // the client asks the driver to free them, and does not wait for it
                Pump.until(() -> statebusCounters(driver) == countersBefore, Duration.ofSeconds(5),
                    "receiver " + i + "'s counters freed", bridge);
            }
            assertThat(locals).allMatch(KeyedStateBus::isClosed);
            final java.util.Set<Thread> threadsAfter = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
            threadsAfter.removeAll(threadsBefore);
            assertThat(threadsAfter).as("threads started since").isEmpty();
            bridge.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirrorClosedWhileTheReceiverRunsNeverWritesTheCountersItFreed() throws Exception
    {
        try (TestDriver driver = TestDriver.start("closed-mirror-counters", c -> c.counterFreeToReuseTimeoutNs(0));
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 42)).build();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 42),
                driver.aeron, new MirrorListener()
                {
                }, 64);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, PHASES, KeyedBusOverTheWireTest::keyed);
            source.open(1, Phase.OPEN);
            Pump.until(() -> mirrored.latestSequence() == 1, Duration.ofSeconds(5), "#1", bridge, receiver);
            mirrored.close(); // the application stops mirroring bus 0; the receiver goes on for its other buses

            // counters of the application's own, which take the ids the closed mirror freed
            final List<Counter> own = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                own.add(driver.aeron.addCounter(1_001, "the application's counter " + i));
                own.get(i).set(777);
            }
            for (long key = 2; key <= 50; key++)
            {
                source.open(key, Phase.OPEN); // still received for bus 0, and ignored
            }
            Pump.forDuration(Duration.ofMillis(50), bridge, receiver); // many refreshes of the receiver's counters
            for (final Counter counter : own)
            {
                assertThat(counter.get()).as("%s", counter.label()).isEqualTo(777);
            }
            own.forEach(Counter::close);
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aMirrorClosedWhileItsLocalBusIsBeingBuiltNeverHandsOutAnOpenBus() throws Exception
    {
        try (TestDriver driver = TestDriver.start("closed-while-built");
            KeyedStateBus<Phase> source = KeyedBusOverTheWireTest.keyed(KeyedStateBus.builder(Phase.class)).build())
        {
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 43)).snapshotInterval(Duration.ofMillis(5)).build();
            final List<Long> started = new ArrayList<>();
            final MirrorReceiver receiver = new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 43),
                driver.aeron, new MirrorListener()
                {
                    @Override
                    public void onStarted(final int busId, final long session, final StateBus<?> bus, final long seq)
                    {
                        started.add(seq);
                    }
                }, 256);
            final List<MirroredKeyedBus<Phase>> holder = new ArrayList<>();
            // the close comes while the duty cycle builds the local bus, as a close from another thread may
            holder.add(receiver.mirrorKeyed(0, PHASES, b ->
            {
                if (!holder.isEmpty()) // not when mirrorKeyed tries it, before the mirror exists
                {
                    holder.get(0).close();
                }
                return KeyedBusOverTheWireTest.keyed(b);
            }));
            final MirroredKeyedBus<Phase> mirrored = holder.get(0);
            final int[] cycles = new int[1];
            Pump.until(() -> mirrored.received() > 0 && ++cycles[0] > 50, Duration.ofSeconds(5), "a run", bridge,
                receiver);
            assertThat(mirrored.bus() == null || mirrored.bus().isClosed()).as("bus %s", mirrored.bus()).isTrue();
            assertThat(started).as("onStarted of a bus never handed out").isEmpty();
            assertThatThrownBy(() -> mirrored.awaitBus(Duration.ofMillis(1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
            bridge.close();
            receiver.close();
        }
    }
}
