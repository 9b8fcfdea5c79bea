package io.statebus.aeron;

import io.aeron.ExclusivePublication;
import io.statebus.StateBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bridge's or a mirror's argument that could never work (a batch too large to allocate, a publication closed or
 * whose messages cannot hold one of the bridge's, a closed subscription, a null or negative timeout) is a clear
 * exception where it is given, and changes nothing: no subscription of the source is left holding it back, and no
 * failure comes later on a duty cycle.
 */
class BadArgumentsAreRefusedWhereTheyAreGivenTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aBatchLimitTooLargeToStageIsRefusedByTheBuilder() throws Exception
    {
        try (TestDriver driver = TestDriver.start("batch-limit");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(4).build())
        {
            final ExclusivePublication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 80);
            // 20 M transitions staged would be 800 MB: an OutOfMemoryError in build() left its BLOCK subscription open
            assertThatThrownBy(() -> TransitionBridge.builder(source, PHASES, publication).batchLimit(20_000_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batchLimit must be from 1 to " + TransitionBridgeBuilder.MAX_BATCH_LIMIT);
            assertThat(source.subscriptionCount()).isZero();
            try (TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES, publication)
                .batchLimit(TransitionBridgeBuilder.MAX_BATCH_LIMIT).build())
            {
                assertThat(bridge.isFailed()).isFalse();
            }
        }
    }
}
