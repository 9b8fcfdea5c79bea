package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static io.statebus.Connection.CLOSED;
import static io.statebus.Connection.CLOSING;
import static io.statebus.Connection.CONNECTED;
import static io.statebus.Connection.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user reads on day one, in the Javadoc of the public types and in what they print, is what the bus does,
 * through the public API only: each test pins one claim a user would act on (or log) that an earlier version broke.
 */
@Timeout(30)
final class WhatAUserReadsIsWhatTheBusDoesTest
{
    /**
     * A keyed subscription's {@code toString} names no state at its join point: the ring's transition there was of
     * one key, and a state named there (it said {@code joined at #4 CLOSED}) contradicts the next transition the
     * subscription receives, another key's, which starts elsewhere.
     */
    @Test
    void aKeyedSubscriptionLogsItsJoinSequenceAndNoStateThatNoKeyIsIn()
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).retireOn(CLOSED).build())
        {
            bus.open(1, DISCONNECTED);
            bus.open(2, CONNECTED);
            bus.set(1, CONNECTED);
            bus.set(2, CLOSED); // #4, and key 2 is retired
            final KeyedSubscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            bus.set(1, CLOSING);
            final List<String> seen = new ArrayList<>();
            sub.poll((t, end) -> seen.add(t.toString()), 16);

            assertThat(seen).containsExactly("#5 key 1: CONNECTED -> CLOSING");
            assertThat(sub).hasToString(
                "KeyedSubscription{BLOCK, joined at #4, position=5, delivered=1, missed=0, gaps=0}");
            sub.close();
            assertThat(sub).hasToString(
                "KeyedSubscription{BLOCK, joined at #4, position=5, delivered=1, missed=0, gaps=0, closed}");
        }
    }
}
