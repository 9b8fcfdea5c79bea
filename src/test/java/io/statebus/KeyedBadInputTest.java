package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keyed bus, bad input: an unknown or retired key, a key opened twice, a full key table, a state the bus does not
 * know, a forbidden move — each a clear exception that publishes nothing and changes no key.
 */
@Timeout(30)
final class KeyedBadInputTest
{
    @Test
    void everyRefusalIsClearAndChangesNothing()
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).maxKeys(2)
            .allow(Connection.DISCONNECTED, Connection.CONNECTING)
            .allow(Connection.CONNECTING, Connection.CONNECTED, Connection.DISCONNECTED)
            .allow(Connection.CONNECTED, Connection.CLOSED)
            .retireOn(Connection.CLOSED).build())
        {
            final KeyedSubscription<Connection> log = bus.subscribe(Policy.BLOCK);
            bus.open(1, Connection.DISCONNECTED);
            bus.open(2, Connection.DISCONNECTED);
            final long published = bus.latestSequence();

            assertThatThrownBy(() -> bus.set(3, Connection.CONNECTING))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key 3 is not open");
            assertThatThrownBy(() -> bus.get(3)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> bus.open(1, Connection.CONNECTING))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("open already");
            assertThatThrownBy(() -> bus.open(3, Connection.DISCONNECTED))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("full");
            assertThatThrownBy(() -> bus.set(1, Connection.CLOSED))
                .isInstanceOf(ForbiddenTransitionException.class);
            assertThatThrownBy(() -> bus.set(1, null)).isInstanceOf(NullPointerException.class);
            assertThat(bus.latestSequence()).isEqualTo(published);
            assertThat(bus.get(1)).isEqualTo(Connection.DISCONNECTED);
            assertThat(bus.openKeys()).isEqualTo(2);

            bus.set(1, Connection.CONNECTING);
            bus.set(1, Connection.CONNECTED);
            assertThat(bus.set(1, Connection.CLOSED)).isPositive(); // a final state: published, then retired
            assertThat(bus.isOpen(1)).isFalse();
            assertThatThrownBy(() -> bus.set(1, Connection.CONNECTING))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retired");
            bus.retire(2);
            assertThatThrownBy(() -> bus.retire(2)).isInstanceOf(IllegalArgumentException.class);
            assertThat(bus.openKeys()).isZero();
            bus.open(3, Connection.DISCONNECTED); // the table has room again
            bus.open(4, Connection.DISCONNECTED);
            assertThat(bus.openKeys()).isEqualTo(2);

            final List<String> seen = new java.util.ArrayList<>();
            log.poll((t, end) -> seen.add(t.key() + ":" + t.from() + "->" + t.to()), 100);
            assertThat(seen).containsExactly("1:DISCONNECTED->DISCONNECTED", "2:DISCONNECTED->DISCONNECTED",
                "1:DISCONNECTED->CONNECTING", "1:CONNECTING->CONNECTED", "1:CONNECTED->CLOSED",
                "3:DISCONNECTED->DISCONNECTED", "4:DISCONNECTED->DISCONNECTED");
        }
    }

    /**
     * A keyed mirror's snapshot ({@link KeyedMirror#resync}) that holds a key twice is refused and changes no key, as
     * a seed of a key twice is, rather than taken with its later state.
     */
    @Test
    void aMirrorsSnapshotWithAKeyTwiceIsRefusedAndChangesNoKey()
    {
        try (KeyedMirror<Connection> mirror = KeyedStateBus.builder(Connection.class).maxKeys(3).buildMirror(0, 0))
        {
            mirror.seed(1, Connection.CONNECTING);
            mirror.seed(2, Connection.CONNECTED);
            assertThatThrownBy(() -> mirror.resync(0, new long[] {1, 1}, List.of(Connection.CLOSING,
                Connection.CONNECTED))).isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
            assertThatThrownBy(() -> mirror.resync(0, new long[] {2, 3, 2}, List.of(Connection.CLOSING,
                Connection.CLOSING, Connection.CLOSED))).isExactlyInstanceOf(IllegalArgumentException.class);
            assertThat(mirror.bus().get(1)).isEqualTo(Connection.CONNECTING);
            assertThat(mirror.bus().get(2)).isEqualTo(Connection.CONNECTED);
            assertThat(mirror.bus().openKeys()).isEqualTo(2);
        }
    }

    /**
     * A keyed mirror's snapshot holds the source's open keys, and a source never holds a key in a final state (it
     * retires it there): a seed or resync that would open one is refused and changes no key.
     */
    @Test
    void aMirrorsSnapshotWithAKeyInAFinalStateIsRefusedAndChangesNoKey()
    {
        try (KeyedMirror<Connection> mirror = KeyedStateBus.builder(Connection.class).maxKeys(4)
            .retireOn(Connection.CLOSED).buildMirror(0, 0))
        {
            mirror.seed(1, Connection.CONNECTING);
            assertThatThrownBy(() -> mirror.seed(2, Connection.CLOSED))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("final");
            assertThatThrownBy(() -> mirror.resync(0, new long[] {1, 3}, List.of(Connection.CONNECTED,
                Connection.CLOSED))).isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("final");
            assertThat(mirror.bus().isOpen(2)).isFalse();
            assertThat(mirror.bus().isOpen(3)).isFalse();
            assertThat(mirror.bus().get(1)).isEqualTo(Connection.CONNECTING);
            assertThat(mirror.bus().openKeys()).isEqualTo(1);
        }
    }

    /**
     * A refused first call on a single-producer keyed bus (an unknown key) changes nothing, not even who the
     * producer is: the intended producer may still take the bus afterwards, as on a {@link StateBus}.
     */
    @Test
    void aRefusedFirstCallDoesNotMakeItsThreadTheProducer() throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).producerMode(ProducerMode.SINGLE)
            .build())
        {
            final List<Throwable> refusals = new java.util.ArrayList<>();
            final Thread intruder = new Thread(() ->
            {
                for (final Runnable call : List.<Runnable>of(() -> bus.set(9, Connection.CONNECTING),
                    () -> bus.compareAndSet(9, Connection.DISCONNECTED, Connection.CONNECTING), () -> bus.retire(9)))
                {
                    try
                    {
                        call.run();
                    }
                    catch (final RuntimeException ex)
                    {
                        refusals.add(ex);
                    }
                }
            }, "intruder");
            intruder.start();
            intruder.join();
            assertThat(refusals).hasSize(3).allSatisfy(ex -> assertThat(ex)
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("key 9 is not open"));
            assertThat(bus.latestSequence()).isZero();
            assertThat(bus.open(1, Connection.DISCONNECTED)).as("this thread may still take the bus").isEqualTo(1);
            assertThat(bus.set(1, Connection.CONNECTING)).isEqualTo(2);
        }
    }

    /** A null visitor is refused with a message naming it, also when no key is open (nothing would call it). */
    @Test
    void aNullVisitorOfTheOpenKeysIsRefusedClearly()
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).maxKeys(2).build())
        {
            assertThatThrownBy(() -> bus.forEachOpenKey(null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessageContaining("visitor");
            bus.open(1, Connection.DISCONNECTED);
            assertThatThrownBy(() -> bus.forEachOpenKey(null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessageContaining("visitor");
            assertThat(bus.openKeys()).isEqualTo(1);
        }
    }

    /** A key table of more than 2^28 keys needs an array longer than Java allows: refused when asked, clearly. */
    @Test
    void maxKeysATableCannotHoldIsRefusedWhenAsked()
    {
        for (final int bad : new int[] {0, -1, (1 << 28) + 1, 1 << 29, Integer.MAX_VALUE})
        {
            final KeyedStateBusBuilder<Connection> builder = KeyedStateBus.builder(Connection.class).capacity(2);
            assertThatThrownBy(() -> builder.maxKeys(bad)).as("maxKeys %d", bad)
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("got " + bad);
        }
    }

    /**
     * A ring or key table this JVM cannot hold is refused at build with an IllegalArgumentException naming the
     * capacity (or maxKeys), as a state bus's is, not an ArrayIndexOutOfBounds, NegativeArraySize or OutOfMemory
     * error: a keyed slot is 4 longs of one array, so 2^29 and 2^30 slots overflow it on any heap; 2^26 slots or
     * 2^26 keys need 2 GiB or more, over half of this test JVM's heap.
     */
    @Test
    void aRingOrKeyTableTooLargeForThisJvmIsRefusedWhenBuilt()
    {
        for (final int capacity : new int[] {1 << 30, 1 << 29})
        {
            final KeyedStateBusBuilder<Connection> builder = KeyedStateBus.builder(Connection.class).capacity(capacity);
            for (final Runnable build : List.<Runnable>of(() -> builder.build(), () -> builder.buildMirror(0, 0)))
            {
                assertThatThrownBy(build::run).as("capacity %d", capacity)
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessage("capacity " + capacity + " is more than this kind of bus holds, 268435456: a slot " +
                        "takes 4 elements of one array, and an array holds fewer than 2^31");
            }
        }
        assertThatThrownBy(() -> KeyedStateBus.builder(Connection.class).capacity(1 << 26).build())
            .isExactlyInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("capacity 67108864 with maxKeys 65536 needs about 2050 MiB");
        assertThatThrownBy(() -> KeyedStateBus.builder(Connection.class).capacity(1 << 26).buildMirror(0, 0))
            .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than half");
        assertThatThrownBy(() -> KeyedStateBus.builder(Connection.class).maxKeys(1 << 26).build())
            .isExactlyInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("capacity 1024 with maxKeys 67108864 needs about 2048 MiB");
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).capacity(1 << 16).build())
        {
            assertThat(bus.open(1, Connection.DISCONNECTED)).isEqualTo(1); // one it can hold is built
        }
    }

    /**
     * {@link KeyedTransitionHandler#adapt} on another bus's subscription (a state or value bus's, whose transitions
     * carry no key) is refused at its first transition with an IllegalArgumentException that says so, as
     * {@link LongTransitionHandler#adapt} refuses a bus without longs, not a ClassCastException naming internal views.
     */
    @Test
    void anAdaptedHandlerRefusesASubscriptionOfAnotherBusClearly()
    {
        try (StateBus<Connection> states = StateBus.builder(Connection.DISCONNECTED).build();
            ValueStateBus<Connection> values = StateBus.valueBuilder(Connection.DISCONNECTED).build())
        {
            final List<Subscription<Connection>> others =
                List.of(states.subscribe(Policy.BLOCK), values.subscribe(Policy.GAP));
            final List<String> seen = new java.util.ArrayList<>();
            final TransitionHandler<Connection> adapted = KeyedTransitionHandler.adapt((t, end) -> seen.add(t.key() + ""));
            states.set(Connection.CONNECTING);
            values.set(Connection.CONNECTING);
            for (final Subscription<Connection> sub : others)
            {
                assertThatThrownBy(() -> sub.poll(adapted, 8)).isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("KeyedTransitionHandler.adapt delivers a KeyedStateBus's transitions only");
                assertThat(sub.failure()).isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(seen).as("no transition delivered without a key").isEmpty();
        }
    }

    @Test
    void unchangedAndFailedComparesPublishNothing() throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).producerMode(ProducerMode.SINGLE)
            .build())
        {
            bus.open(7, Connection.CONNECTED);
            final long published = bus.latestSequence();
            assertThat(bus.set(7, Connection.CONNECTED)).isEqualTo(KeyedStateBus.NOT_PUBLISHED);
            assertThat(bus.compareAndSet(7, Connection.CLOSING, Connection.CLOSED)).isFalse();
            assertThat(bus.latestSequence()).isEqualTo(published);
            assertThat(bus.compareAndSet(7, Connection.CONNECTED, Connection.CLOSING)).isTrue();
            assertThat(bus.trySet(7, Connection.CLOSED, java.time.Duration.ofSeconds(1))).isTrue();
            assertThat(bus.get(7)).isEqualTo(Connection.CLOSED);
            assertThatThrownBy(() -> KeyedStateBus.builder(Connection.class).maxKeys(0))
                .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aPollRefusedToASecondThreadChangesNothingForThePollInProgress() throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).capacity(8).build())
        {
            final KeyedSubscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            bus.open(1, Connection.DISCONNECTED);
            bus.open(2, Connection.DISCONNECTED);
            final StringBuilder consumer = new StringBuilder();
            final StringBuilder intruder = new StringBuilder();
            final AtomicReference<Throwable> refused = new AtomicReference<>();
            final int polled = sub.poll((t, end) ->
            {
                consumer.append(t.key());
                if (consumer.length() == 1) // mid-batch: another thread polls, is refused, and has ended
                {
                    refused.set(TestAwait.thrownOnThread("second-poller",
                        () -> sub.poll((u, e) -> intruder.append(u.key()), 10)));
                }
            }, 10);
            assertThat(refused.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("second-poller");
            assertThat(intruder.toString()).as("the refused thread's handler got nothing").isEmpty();
            assertThat(consumer.toString()).as("the consumer's handler got the whole batch").isEqualTo("12");
            assertThat(polled).isEqualTo(2);
        }
    }
}
