package io.statebus;

import org.junit.jupiter.api.Test;

import static io.statebus.Connection.*;
import static org.assertj.core.api.Assertions.assertThat;

class SmokeTest
{
    @Test
    void publishesAndPolls()
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).build())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            assertThat(bus.set(CONNECTING)).isEqualTo(1);
            assertThat(bus.set(CONNECTING)).isEqualTo(StateBus.NOT_PUBLISHED);
            bus.set(CONNECTED);
            final Recorder<Connection> r = new Recorder<>();
            assertThat(sub.poll(r, 10)).isEqualTo(2);
            assertThat(r.transitions).map(Transition::toString).containsExactly("#1 DISCONNECTED -> CONNECTING", "#2 CONNECTING -> CONNECTED");
            assertThat(bus.get()).isEqualTo(CONNECTED);
            final Subscription<Connection> gap = bus.subscribe(Policy.GAP);
            for (int i = 0; i < 20; i++)
            {
                bus.set(i % 2 == 0 ? CLOSING : CONNECTED);
                sub.poll(r, 100);
            }
            final Recorder<Connection> g = new Recorder<>();
            gap.poll(g, 100);
            System.out.println(g.gaps + " " + g.transitions + " " + gap);
        }
    }
}
