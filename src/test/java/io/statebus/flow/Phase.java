package io.statebus.flow;

import io.statebus.StateBus;
import io.statebus.Transition;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** States that cycle, so every {@code set} publishes, and the checks on a received stream. */
enum Phase
{
    P0, P1, P2, P3, P4;

    /** The state after transition {@code sequence} of a bus built on P0 that published {@link #at} in order. */
    static Phase at(final long sequence)
    {
        return values()[(int)(sequence % values().length)];
    }

    static StateBus<Phase> bus(final int capacity)
    {
        return StateBus.builder(P0).capacity(capacity).build();
    }

    /** Publishes {@code count} transitions after the bus's latest. */
    static void publish(final StateBus<Phase> bus, final int count)
    {
        final long from = bus.latestSequence() + 1;
        for (long s = from; s < from + count; s++)
        {
            bus.set(at(s));
        }
    }

    /** Exactly sequences {@code first..last}, in order, each {@code from} the previous {@code to}. */
    static void assertCompleteAndChained(final List<Transition<Phase>> items, final long first, final long last)
    {
        assertThat(items).hasSize((int)(last - first + 1));
        Phase previous = at(first - 1);
        long expected = first;
        for (final Transition<Phase> t : items)
        {
            assertThat(t.sequence()).isEqualTo(expected);
            assertThat(t.from()).isEqualTo(previous);
            assertThat(t.to()).isEqualTo(at(expected));
            previous = t.to();
            expected++;
        }
    }
}
