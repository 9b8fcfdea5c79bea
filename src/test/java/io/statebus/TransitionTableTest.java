package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static io.statebus.Connection.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The optional transition table: a forbidden transition throws a clear exception and publishes nothing. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TransitionTableTest
{
    private static StateBus<Connection> lifecycle()
    {
        return StateBus.builder(DISCONNECTED).capacity(8)
            .allow(DISCONNECTED, CONNECTING)
            .allow(CONNECTING, CONNECTED, CLOSING)
            .allow(CONNECTED, CLOSING)
            .allow(CLOSING, CLOSED)
            .allow(CLOSED, DISCONNECTED)
            .build();
    }

    @Test
    void allowedTransitionsArePublished()
    {
        try (StateBus<Connection> bus = lifecycle())
        {
            for (final Connection next : new Connection[] {CONNECTING, CONNECTED, CLOSING, CLOSED, DISCONNECTED})
            {
                bus.set(next);
            }
            assertThat(bus.latestSequence()).isEqualTo(5);
        }
    }

    @Test
    void aForbiddenTransitionThrowsAndChangesNothing()
    {
        try (StateBus<Connection> bus = lifecycle())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            bus.set(CONNECTING);
            assertThatThrownBy(() -> bus.set(CLOSED))
                .isInstanceOf(ForbiddenTransitionException.class)
                .hasMessage("transition CONNECTING -> CLOSED is not allowed by this bus's transition table");
            assertThatThrownBy(() -> bus.compareAndSet(CONNECTING, DISCONNECTED))
                .isInstanceOf(ForbiddenTransitionException.class);
            assertThat(bus.get()).isEqualTo(CONNECTING);
            assertThat(bus.latestSequence()).isEqualTo(1);
            final Recorder<Connection> recorder = new Recorder<>();
            sub.poll(recorder, 10);
            assertThat(recorder.transitions).hasSize(1);
            // a compareAndSet whose expectation fails is not a forbidden transition: it just fails
            assertThat(bus.compareAndSet(CLOSED, DISCONNECTED)).isFalse();
        }
    }

    @Test
    void aForbiddenSelfTransitionIsRefusedWhenUnchangedValuesArePublished()
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).publishUnchanged(true)
            .allow(DISCONNECTED, CONNECTING).build())
        {
            assertThatThrownBy(() -> bus.set(DISCONNECTED)).isInstanceOf(ForbiddenTransitionException.class);
            assertThat(bus.latestSequence()).isZero();
        }
    }
}
