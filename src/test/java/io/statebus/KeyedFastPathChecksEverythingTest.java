package io.statebus;

import io.statebus.publish.SingleProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A single-producer {@link KeyedStateBus}'s owner changes a key's state on a fast path where one read of a gate
 * stands for the owner, closed and listener checks: these tests pin down that everything the full path checks is
 * still checked there (the key, the compare, the unchanged no-op, the transition table, a final state's retiring,
 * a full ring, a close or an intruder from another thread, a listener), each after the owner has changed a key (so
 * the gate was open).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KeyedFastPathChecksEverythingTest
{
    enum Order
    {
        NEW, PARTIAL, FILLED, CANCELED
    }

    private static KeyedStateBus<Order> busOnItsFastPath(final int capacity)
    {
        final KeyedStateBus<Order> bus = KeyedStateBus.builder(Order.class).capacity(capacity).maxKeys(16)
            .producerMode(ProducerMode.SINGLE)
            .allow(Order.NEW, Order.PARTIAL, Order.FILLED, Order.CANCELED)
            .allow(Order.PARTIAL, Order.PARTIAL, Order.FILLED, Order.CANCELED)
            .retireOn(Order.FILLED, Order.CANCELED)
            .build();
        bus.open(1, Order.NEW); // the full path: makes this thread the owner, then opens the gate
        bus.open(2, Order.NEW);
        assertThat(bus.set(1, Order.PARTIAL)).as("the fast path").isEqualTo(3);
        assertThat(fastPathOpen(bus)).as("fast path open").isTrue();
        return bus;
    }

    private static boolean fastPathOpen(final KeyedStateBus<?> bus)
    {
        return ((SingleProducer<?>)bus.core().producer()).fastPathOpen();
    }

    @Test
    void theKeyTheCompareTheUnchangedAndTheTableAreCheckedAsOnTheFullPath()
    {
        try (KeyedStateBus<Order> bus = busOnItsFastPath(64))
        {
            assertThatThrownBy(() -> bus.set(7, Order.PARTIAL)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key 7");
            assertThat(bus.compareAndSet(1, Order.NEW, Order.FILLED)).as("key 1 is PARTIAL").isFalse();
            assertThat(bus.set(2, Order.NEW)).as("unchanged").isEqualTo(KeyedStateBus.NOT_PUBLISHED);
            assertThatThrownBy(() -> bus.set(1, Order.NEW)).isInstanceOf(ForbiddenTransitionException.class);
            assertThat(bus.latestSequence()).as("nothing published by the refused calls").isEqualTo(3);
            assertThat(bus.get(1)).isEqualTo(Order.PARTIAL);
            assertThat(bus.get(2)).isEqualTo(Order.NEW);
            assertThat(bus.compareAndSet(2, Order.NEW, Order.PARTIAL)).isTrue();
            assertThat(bus.get(2)).isEqualTo(Order.PARTIAL);
            assertThat(bus.latestSequence()).isEqualTo(4);
        }
    }

    @Test
    void aFinalStateReachedOnTheFastPathRetiresTheKey()
    {
        try (KeyedStateBus<Order> bus = busOnItsFastPath(64))
        {
            final KeyedSubscription<Order> sub = bus.subscribe(Policy.BLOCK);
            assertThat(bus.set(1, Order.FILLED)).isEqualTo(4);
            assertThat(bus.isOpen(1)).isFalse();
            assertThat(bus.openKeys()).isEqualTo(1);
            assertThatThrownBy(() -> bus.set(1, Order.PARTIAL)).isInstanceOf(IllegalArgumentException.class);
            final List<String> seen = new ArrayList<>();
            sub.poll((t, end) -> seen.add(t.key() + ":" + t.from() + "->" + t.to()), 16);
            assertThat(seen).containsExactly("1:PARTIAL->FILLED");
        }
    }

    @Test
    void aFullRingSendsTheChangeToTheFullPathWhichWaitsAndTimesOut() throws Exception
    {
        try (KeyedStateBus<Order> bus = busOnItsFastPath(4))
        {
            final KeyedSubscription<Order> sub = bus.subscribe(Policy.BLOCK); // joins at 3, never polls
            assertThat(bus.set(2, Order.PARTIAL)).isEqualTo(4);
            assertThat(bus.open(3, Order.NEW)).isEqualTo(5);
            assertThat(bus.open(4, Order.NEW)).isEqualTo(6);
            assertThat(bus.set(3, Order.PARTIAL)).isEqualTo(7); // the ring holds 4..7: full for this subscription
            assertThat(bus.trySet(4, Order.PARTIAL, Duration.ofMillis(20))).isFalse();
            assertThat(bus.get(4)).as("nothing changed").isEqualTo(Order.NEW);
            assertThat(bus.latestSequence()).isEqualTo(7);
            assertThat(sub.poll((t, end) -> { }, 16)).isEqualTo(4);
            assertThat(bus.set(4, Order.PARTIAL)).isEqualTo(8);
        }
    }

    @Test
    void aCloseFromAnotherThreadIsSeenByTheOwnersNextChange() throws Exception
    {
        try (KeyedStateBus<Order> bus = busOnItsFastPath(64))
        {
            final Thread closer = new Thread(bus::close, "closer");
            closer.start();
            closer.join();
            assertThatThrownBy(() -> bus.set(2, Order.PARTIAL)).isInstanceOf(StateBusClosedException.class);
            assertThatThrownBy(() -> bus.compareAndSet(2, Order.NEW, Order.PARTIAL))
                .isInstanceOf(StateBusClosedException.class);
            assertThat(bus.latestSequence()).isEqualTo(3);
        }
    }

    @Test
    void anotherThreadIsRefusedAndChangesNothing() throws Exception
    {
        try (KeyedStateBus<Order> bus = busOnItsFastPath(64))
        {
            final AtomicReference<Throwable> thrown = new AtomicReference<>();
            final Thread intruder = new Thread(() ->
            {
                try
                {
                    bus.set(2, Order.PARTIAL);
                }
                catch (final Throwable ex)
                {
                    thrown.set(ex);
                }
            }, "intruder");
            intruder.start();
            intruder.join();
            assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("intruder");
            assertThat(bus.get(2)).isEqualTo(Order.NEW);
            assertThat(bus.set(2, Order.PARTIAL)).as("the owner goes on").isEqualTo(4);
        }
    }

    @Test
    void anExecutorSubscriptionAddedByTheOwnerIsToldOfItsVeryNextChange()
    {
        try (KeyedStateBus<Order> bus = busOnItsFastPath(64))
        {
            final List<String> seen = new ArrayList<>();
            bus.subscribe(Policy.BLOCK, (t, end) -> seen.add(t.key() + ":" + t.from() + "->" + t.to()), Runnable::run);
            bus.set(2, Order.PARTIAL); // a same-thread executor delivers inside this set, if the owner was told
            assertThat(seen).containsExactly("2:NEW->PARTIAL");
        }
    }
}
