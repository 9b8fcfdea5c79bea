package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Transition#fromIndex()} and {@link Transition#toIndex()}: every delivered transition's indexes name its
 * states in the bus's own order (an enum's ordinals, a list's places, a keyed bus's alike); -1
 * where states have no index (a value bus, copies). A handler may then index an array per state instead of
 * looking the states up.
 */
@Timeout(30)
final class TransitionIndexesTest
{
    @Test
    void onABusOfAnEnumTheyAreTheOrdinals()
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(16).build())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            for (final Connection state : TestStates.CYCLE)
            {
                bus.set(state);
            }
            final List<int[]> seen = new ArrayList<>();
            final List<Transition<Connection>> copies = new ArrayList<>();
            sub.poll((t, end) ->
            {
                assertThat(t.fromIndex()).isEqualTo(t.from().ordinal());
                assertThat(t.toIndex()).isEqualTo(t.to().ordinal());
                seen.add(new int[] {t.fromIndex(), t.toIndex()});
                copies.add(t.copy());
            }, 64);
            assertThat(seen).hasSize(TestStates.CYCLE.length);
            assertThat(copies).allSatisfy(copy -> assertThat(copy.fromIndex()).isEqualTo(-1));
        }
    }

    @Test
    void onABusOfListedStatesTheyAreTheListsPlaces()
    {
        // not in the enum's order, and not all of it: the list decides the index
        final List<Connection> listed = List.of(Connection.CLOSED, Connection.CONNECTED, Connection.DISCONNECTED);
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED, listed).capacity(16).build())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.GAP);
            bus.set(Connection.CONNECTED);
            bus.set(Connection.CLOSED);
            final List<String> seen = new ArrayList<>();
            sub.poll((t, end) -> seen.add(t.fromIndex() + ">" + t.toIndex()), 64);
            assertThat(seen).containsExactly("2>1", "1>0");
        }
    }

    @Test
    void onAKeyedBusEachKeysStatesHaveTheirIndexes()
    {
        final List<String> listed = List.of("NEW", "FILLED", "CANCELED");
        try (KeyedStateBus<String> bus = KeyedStateBus.builder(listed).capacity(16).maxKeys(4).build())
        {
            final KeyedSubscription<String> sub = bus.subscribe(Policy.BLOCK);
            bus.open(7, "NEW");
            bus.set(7, "CANCELED");
            bus.open(9, "NEW");
            bus.set(9, "FILLED");
            final List<String> seen = new ArrayList<>();
            sub.poll((t, end) -> seen.add(t.key() + ":" + t.fromIndex() + ">" + t.toIndex()), 64);
            assertThat(seen).containsExactly("7:0>0", "7:0>2", "9:0>0", "9:0>1");
        }
    }

    @Test
    void aValueBusHasNoIndexes()
    {
        try (ValueStateBus<Tick> bus = StateBus.valueBuilder(new Tick(0)).capacity(8).build())
        {
            final Subscription<Tick> sub = bus.subscribe(Policy.BLOCK);
            bus.set(new Tick(1));
            final List<String> seen = new ArrayList<>();
            sub.poll((t, end) -> seen.add(t.fromIndex() + ">" + t.toIndex()), 8);
            assertThat(seen).containsExactly("-1>-1");
        }
        assertThat(Transition.of(1, Connection.DISCONNECTED, Connection.CONNECTING, 0).toIndex()).isEqualTo(-1);
    }
}
