package io.statebus.aeron;

import io.aeron.Aeron;
import io.aeron.exceptions.DriverTimeoutException;
import io.statebus.StateBus;
import io.statebus.StateBusClosedException;
import io.statebus.Subscription;
import io.statebus.Policy;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The media driver goes away: the clients time it out, the bridge and the receiver fail with a clear exception, the
 * bridge stops holding the source, the mirrored bus closes; nothing hangs.
 */
class DriverTimeoutIsReportedTest
{
    private static Agent tolerant(final Agent agent, final List<Throwable> failures)
    {
        return Pump.of(agent.roleName(), () ->
        {
            try
            {
                return agent.doWork();
            }
            catch (final Exception ex)
            {
                failures.add(ex);
                return 0;
            }
        });
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void bridgeAndReceiverFailClearlyAndReleaseEverything() throws Exception
    {
        final List<Throwable> clientErrors = new CopyOnWriteArrayList<>();
        try (TestDriver driver = TestDriver.start("driver-timeout");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(4).build())
        {
            final Aeron client = Aeron.connect(TestDriver.client(driver.dir).driverTimeoutMs(500)
                .errorHandler(clientErrors::add));
            try
            {
                final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, StateTable.forEnum(Phase.class),
                    client.addExclusivePublication(TestDriver.IPC, 60)).build();
                final MirrorReceiver receiver = new MirrorReceiver(client.addSubscription(TestDriver.IPC, 60));
                final MirroredBus<Phase> mirrored = receiver.mirror(0, StateTable.forEnum(Phase.class), b -> b);
                Pump.until(() -> mirrored.bus() != null, Duration.ofSeconds(10), "the mirror", bridge, receiver);
                final Subscription<Phase> sub = mirrored.bus().subscribe(Policy.BLOCK);

                CloseHelper.close(driver.driver); // the driver stops; its directory goes with it
                final List<Throwable> bridgeFailures = new CopyOnWriteArrayList<>();
                final List<Throwable> receiverFailures = new CopyOnWriteArrayList<>();
                Pump.until(() -> bridge.isFailed() && receiver.isFailed() &&
                    clientErrors.stream().anyMatch(DriverTimeoutException.class::isInstance), Duration.ofSeconds(15),
                    "both to fail, and the client to report the driver timeout", tolerant(bridge, bridgeFailures), tolerant(receiver, receiverFailures),
                    Pump.of("producer", () ->
                    {
                        try
                        {
                            source.trySet(source.get().next(), Duration.ZERO);
                        }
                        catch (final InterruptedException ex)
                        {
                            throw new AssertionError(ex);
                        }
                        return 0;
                    }));
                assertThat(clientErrors).anyMatch(DriverTimeoutException.class::isInstance);
                assertThat(bridgeFailures).hasSize(1);
                assertThat(bridgeFailures.get(0)).hasMessageContaining("the publication is closed");
                assertThat(receiverFailures).hasSize(1);
                assertThat(receiverFailures.get(0)).hasMessageContaining("is closed");
                assertThat(mirrored.bus().isClosed()).isTrue();
                assertThatThrownBy(() ->
                {
                    for (int i = 0; i < 1_000; i++) // what the bus had first, then the end
                    {
                        sub.poll((t, end) -> { }, 16);
                    }
                }).isInstanceOf(StateBusClosedException.class);
                for (int i = 0; i < 20; i++) // a ring of 4: the failed bridge does not hold the producer
                {
                    assertThat(source.trySet(source.get().next(), Duration.ofSeconds(1))).isTrue();
                }
            }
            finally
            {
                CloseHelper.quietClose(client);
            }
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anIdleBridgeFailsClearlyTooNotOnlyAtTheSourcesNextTransition() throws Exception
    {
        final List<Throwable> clientErrors = new CopyOnWriteArrayList<>();
        try (TestDriver driver = TestDriver.start("driver-timeout-idle");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(4).build())
        {
            final Aeron client = Aeron.connect(TestDriver.client(driver.dir).driverTimeoutMs(500)
                .errorHandler(clientErrors::add));
            try
            {
                final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, StateTable.forEnum(Phase.class),
                    client.addExclusivePublication(TestDriver.IPC, 61)).build();
                final io.aeron.Subscription mirrorSide = client.addSubscription(TestDriver.IPC, 61); // connects it
                Pump.until(mirrorSide::isConnected, Duration.ofSeconds(10), "the publication to connect", bridge);
                source.set(Phase.OPEN);
                Pump.until(() -> bridge.sent() == 1, Duration.ofSeconds(10), "the bridge to send", bridge);

                CloseHelper.close(driver.driver); // the driver stops; the source publishes nothing more
                final List<Throwable> bridgeFailures = new CopyOnWriteArrayList<>();
                Pump.until(() -> bridge.isFailed(), Duration.ofSeconds(15),
                    "the idle bridge to fail", tolerant(bridge, bridgeFailures));
                assertThat(clientErrors).anyMatch(DriverTimeoutException.class::isInstance);
                assertThat(bridgeFailures).hasSize(1);
                assertThat(bridgeFailures.get(0)).hasMessageContaining("the publication is closed");
                assertThat(bridge.subscription().isClosed()).as("the failed bridge holds the source no more").isTrue();
            }
            finally
            {
                CloseHelper.quietClose(client);
            }
        }
    }
}
