package io.statebus.aeron;

import io.aeron.Counter;
import io.aeron.ExclusivePublication;
import io.statebus.Policy;
import io.statebus.StateBus;
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
}
