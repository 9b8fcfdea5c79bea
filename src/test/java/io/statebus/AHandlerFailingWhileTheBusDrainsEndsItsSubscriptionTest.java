package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.statebus.Connection.CLOSING;
import static io.statebus.Connection.CONNECTED;
import static io.statebus.Connection.CONNECTING;
import static io.statebus.Connection.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guarantee 8 after close: a subscription still delivering what was published before the bus closed (draining) ends
 * as failed when its handler throws, as an open one does: nothing more is delivered, and its poll says it failed.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AHandlerFailingWhileTheBusDrainsEndsItsSubscriptionTest
{
    @Test
    void aFailureWhileDrainingEndsTheSubscriptionAsFailed()
    {
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build();
        final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
        bus.set(CONNECTING);
        bus.set(CONNECTED);
        bus.set(CLOSING);
        bus.close(); // the subscription drains the three transitions published before
        final RuntimeException boom = new IllegalStateException("boom while draining");
        final List<Long> seen = new ArrayList<>();
        final TransitionHandler<Connection> failsAtTwo = (t, end) ->
        {
            if (t.sequence() == 2)
            {
                throw boom;
            }
            seen.add(t.sequence());
        };

        assertThatThrownBy(() -> sub.poll(failsAtTwo, 10)).isSameAs(boom);
        assertThat(sub.failure()).isSameAs(boom);
        assertThat(sub.isClosed()).as("ended by its failure").isTrue();
        assertThatThrownBy(() -> sub.poll(failsAtTwo, 10)).isInstanceOf(StateBusClosedException.class)
            .hasMessageStartingWith("subscription failed: its handler threw");
        assertThat(seen).as("delivered: nothing after the failure").containsExactly(1L);
    }
}
