package io.statebus;

import io.statebus.ring.SlotWord;
import org.agrona.concurrent.NanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.statebus.Connection.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The bad-input catalogue (the README's Bad input table), one test per row: each bad input gets the exception type and
 * message listed there, and changes nothing (state, latest sequence, subscription count, open/closed; for a
 * subscription, its position, counters and who may poll it; for a builder, what it builds).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BadInputTest
{
    /** What "nothing changed" compares, for a bus. */
    record Snapshot(Object state, long latest, int subscriptions, boolean closed)
    {
        static Snapshot of(final StateBus<?> bus)
        {
            return new Snapshot(bus.get(), bus.latestSequence(), bus.subscriptionCount(), bus.isClosed());
        }
    }

    /** What "nothing changed" compares, for a subscription. */
    record SubSnapshot(long position, long delivered, long missed, long gaps, boolean closed)
    {
        static SubSnapshot of(final Subscription<?> sub)
        {
            return new SubSnapshot(sub.position(), sub.delivered(), sub.missed(), sub.gaps(), sub.isClosed());
        }
    }

    private static final TransitionHandler<Connection> IGNORE = (t, endOfBatch) -> { };

    /** A bus with some history and one open subscription. */
    private static StateBus<Connection> busWithHistory(final ProducerMode mode)
    {
        final StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(4).producerMode(mode).build();
        bus.subscribe(Policy.GAP);
        bus.set(CONNECTING);
        bus.set(CONNECTED);
        return bus;
    }

    /** Runs {@code task} on a new thread, waits for it (bounded), and returns what it threw, or null. */
    private static Throwable onAnotherThread(final ThrowingRunnable task) throws Exception
    {
        final ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "intruder"));
        try
        {
            final AtomicReference<Throwable> thrown = new AtomicReference<>();
            final Future<?> done = other.submit(() ->
            {
                try
                {
                    task.run();
                }
                catch (final Throwable ex)
                {
                    thrown.set(ex);
                }
            });
            done.get(10, TimeUnit.SECONDS);
            return thrown.get();
        }
        finally
        {
            other.shutdownNow();
        }
    }

    interface ThrowingRunnable
    {
        void run() throws Exception;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Builder
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void nullInitialState()
    {
        assertThatThrownBy(() -> StateBus.builder((Connection)null))
            .isExactlyInstanceOf(NullPointerException.class).hasMessage("initial state must not be null");
        assertThatThrownBy(() -> StateBus.builder(null, List.of("a", "b")))
            .isExactlyInstanceOf(NullPointerException.class).hasMessage("initial state must not be null");
    }

    @Test
    void initialStateNotInTheList()
    {
        assertThatThrownBy(() -> StateBus.builder("z", List.of("a", "b")))
            .isExactlyInstanceOf(IllegalArgumentException.class)
            .hasMessage("state z is not one of this bus's states [a, b]");
    }

    @Test
    void stateListNullEmptyDuplicatedOrWithNull()
    {
        assertThatThrownBy(() -> StateBus.builder("a", null))
            .isExactlyInstanceOf(NullPointerException.class).hasMessage("states must not be null");
        assertThatThrownBy(() -> StateBus.builder("a", List.of()))
            .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("states must not be empty");
        assertThatThrownBy(() -> StateBus.builder("a", java.util.Arrays.asList("a", null)))
            .isExactlyInstanceOf(NullPointerException.class).hasMessage("states must not contain null");
        assertThatThrownBy(() -> StateBus.builder("a", List.of("a", "b", "a")))
            .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("state listed twice: a");
    }

    @Test
    void capacityNotAPowerOfTwo()
    {
        final StateBusBuilder<Connection> builder = StateBus.builder(DISCONNECTED).capacity(16);
        for (final int bad : new int[] {3, 6, 1000, Integer.MAX_VALUE})
        {
            assertThatThrownBy(() -> builder.capacity(bad))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be a power of two from 2 to 1073741824, got " + bad);
        }
        try (StateBus<Connection> bus = builder.build())
        {
            assertThat(bus.capacity()).isEqualTo(16);
        }
    }

    @Test
    void capacityOneZeroOrNegative()
    {
        final StateBusBuilder<Connection> builder = StateBus.builder(DISCONNECTED).capacity(16);
        for (final int bad : new int[] {1, 0, -1, -8, Integer.MIN_VALUE})
        {
            assertThatThrownBy(() -> builder.capacity(bad))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("capacity must be a power of two from 2 to 1073741824, got " + bad);
        }
        try (StateBus<Connection> bus = builder.build())
        {
            assertThat(bus.capacity()).isEqualTo(16);
        }
    }

    /**
     * Every power of two above 2^30 overflows an int, so "too large" can only mean "more than this JVM can hold".
     * build() refuses a ring that would not fit, with an IllegalArgumentException naming the capacity and the
     * heap, rather than dying with an OutOfMemoryError while allocating it.
     */
    @Test
    void capacityTooLargeForThisJvm()
    {
        final StateBusBuilder<Connection> builder = StateBus.builder(DISCONNECTED);
        final Throwable thrown = catchThrowable(() -> builder.capacity(1 << 30).build().close());
        assertThat(thrown)
            .describedAs("capacity 2^30 (about 36 GiB of slots) with a %d MiB heap", Runtime.getRuntime().maxMemory() >> 20)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("capacity");
    }

    @Test
    void nullStateInTheTransitionTable()
    {
        final StateBusBuilder<Connection> builder = StateBus.builder(DISCONNECTED);
        assertThatThrownBy(() -> builder.allow(null, CONNECTING))
            .isExactlyInstanceOf(NullPointerException.class).hasMessage("state must not be null");
        assertThatThrownBy(() -> builder.allow(DISCONNECTED, CONNECTING, null))
            .isExactlyInstanceOf(NullPointerException.class).hasMessage("state must not be null");
        assertThatThrownBy(() -> builder.allow(DISCONNECTED, (Connection[])null))
            .isExactlyInstanceOf(NullPointerException.class).hasMessage("allowed target states must not be null");
        // nothing changed: the builder still has no transition table, so every transition is allowed
        try (StateBus<Connection> bus = builder.build())
        {
            assertThat(catchThrowable(() -> bus.set(CLOSED))).isNull();
            assertThat(bus.get()).isEqualTo(CLOSED);
        }
    }

    @Test
    void unknownStateInTheTransitionTable()
    {
        final StateBusBuilder<String> builder = StateBus.builder("a", List.of("a", "b"));
        assertThatThrownBy(() -> builder.allow("a", "b", "z"))
            .isExactlyInstanceOf(IllegalArgumentException.class)
            .hasMessage("state z is not one of this bus's states [a, b]");
        // nothing changed: "a -> b" must not have been recorded, nor a table created
        try (StateBus<String> bus = builder.build())
        {
            assertThat(catchThrowable(() -> bus.set("b"))).isNull();
            assertThat(catchThrowable(() -> bus.set("a"))).isNull();
        }
    }

    @Test
    void nullBuilderOptions()
    {
        final StateBusBuilder<Connection> builder = StateBus.builder(DISCONNECTED);
        assertThatThrownBy(() -> builder.producerMode(null))
            .isExactlyInstanceOf(NullPointerException.class).hasMessage("producerMode must not be null");
        assertThatThrownBy(() -> builder.waitStrategy(null))
            .isExactlyInstanceOf(NullPointerException.class).hasMessage("waitStrategy must not be null");
        assertThatThrownBy(() -> builder.producerIdleStrategy(null))
            .isExactlyInstanceOf(NullPointerException.class).hasMessage("idleStrategy must not be null");
        assertThatThrownBy(() -> builder.clock(null))
            .isExactlyInstanceOf(NullPointerException.class).hasMessage("clock must not be null");
        assertThatThrownBy(() -> builder.handlerThreadFactory(null))
            .isExactlyInstanceOf(NullPointerException.class).hasMessage("threadFactory must not be null");
        try (StateBus<Connection> bus = builder.build())
        {
            assertThat(bus.producerMode()).isEqualTo(ProducerMode.MULTI);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Producer
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void nullStateToSet() throws Exception
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.MULTI))
        {
            final Snapshot before = Snapshot.of(bus);
            assertThatThrownBy(() -> bus.set(null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("state must not be null");
            assertThatThrownBy(() -> bus.trySet(null, 1, TimeUnit.SECONDS))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("state must not be null");
            assertThat(Snapshot.of(bus)).isEqualTo(before);
        }
    }

    @Test
    void nullStateToCompareAndSet()
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.MULTI))
        {
            final Snapshot before = Snapshot.of(bus);
            assertThatThrownBy(() -> bus.compareAndSet(null, CLOSING))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("state must not be null");
            assertThatThrownBy(() -> bus.compareAndSet(CONNECTED, null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("state must not be null");
            assertThat(Snapshot.of(bus)).isEqualTo(before);
        }
    }

    @Test
    void stateNotInTheBusList()
    {
        try (StateBus<String> bus = StateBus.builder("a", List.of("a", "b")).capacity(4).build())
        {
            bus.set("b");
            final Snapshot before = Snapshot.of(bus);
            assertThatThrownBy(() -> bus.set("z"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("state z is not one of this bus's states [a, b]");
            assertThatThrownBy(() -> bus.compareAndSet("b", "z"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("state z is not one of this bus's states [a, b]");
            assertThatThrownBy(() -> bus.compareAndSet("z", "a"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("state z is not one of this bus's states [a, b]");
            assertThat(Snapshot.of(bus)).isEqualTo(before);
        }
    }

    /** Constants with a body are instances of a subclass of their enum: still this bus's states. */
    enum Phase
    {
        IDLE
        {
            @Override
            public String toString()
            {
                return "idle";
            }
        },
        BUSY
        {
            @Override
            public String toString()
            {
                return "busy";
            }
        }
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void aConstantOfAnotherEnumOnAnEnumBus() throws Exception
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE))
        {
            final Snapshot before = Snapshot.of(bus);
            final StateBus raw = bus; // only an unchecked call gets a foreign constant this far
            // SECONDS has ordinal 3, which names a slot of Connection: only identity tells them apart
            final String message =
                "state SECONDS is not one of this bus's states [DISCONNECTED, CONNECTING, CONNECTED, CLOSING, CLOSED]";
            assertThatThrownBy(() -> raw.set(TimeUnit.SECONDS))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage(message);
            assertThatThrownBy(() -> raw.trySet(TimeUnit.SECONDS, 1, TimeUnit.SECONDS))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage(message);
            assertThatThrownBy(() -> raw.compareAndSet(CONNECTED, TimeUnit.SECONDS))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage(message);
            assertThat(Snapshot.of(bus)).isEqualTo(before);
        }
        try (StateBus<Phase> bus = StateBus.builder(Phase.IDLE).capacity(4).allow(Phase.IDLE, Phase.BUSY)
            .allow(Phase.BUSY, Phase.IDLE).build())
        {
            final Subscription<Phase> sub = bus.subscribe(Policy.BLOCK);
            assertThat(bus.set(Phase.BUSY)).isEqualTo(1);
            assertThat(bus.set(Phase.IDLE)).isEqualTo(2);
            assertThat(bus.compareAndSet(Phase.IDLE, Phase.BUSY)).isTrue();
            assertThat(bus.get()).isSameAs(Phase.BUSY);
            final List<String> seen = new ArrayList<>();
            sub.poll((t, endOfBatch) -> seen.add(t.from() + "->" + t.to()), 10);
            assertThat(seen).containsExactly("idle->busy", "busy->idle", "idle->busy");
        }
    }

    @Test
    void negativeTimeoutToTrySet()
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE))
        {
            final Snapshot before = Snapshot.of(bus);
            assertThatThrownBy(() -> bus.trySet(CLOSING, -1, TimeUnit.MILLISECONDS))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must not be negative, got -1 MILLISECONDS");
            assertThatThrownBy(() -> bus.trySet(CLOSING, 1, null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("unit must not be null");
            assertThat(Snapshot.of(bus)).isEqualTo(before);
        }
    }

    @Test
    void negativeTimeoutToAwait()
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE))
        {
            final Snapshot before = Snapshot.of(bus);
            assertThatThrownBy(() -> bus.await(CLOSING, -5, TimeUnit.SECONDS))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must not be negative, got -5 SECONDS");
            assertThatThrownBy(() -> bus.awaitChange(-1, TimeUnit.NANOSECONDS))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must not be negative, got -1 NANOSECONDS");
            assertThatThrownBy(() -> bus.awaitAsync(s -> true, -1, TimeUnit.SECONDS, Runnable::run))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout must not be negative, got -1 SECONDS");
            assertThat(Snapshot.of(bus)).isEqualTo(before);
        }
    }

    @Test
    void nullStateToAwait()
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE))
        {
            final Snapshot before = Snapshot.of(bus);
            assertThatThrownBy(() -> bus.await((Connection)null, 1, TimeUnit.SECONDS))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("state must not be null");
            assertThat(Snapshot.of(bus)).isEqualTo(before);
        }
    }

    @Test
    void publishingAfterClose()
    {
        final StateBus<Connection> bus = busWithHistory(ProducerMode.MULTI);
        bus.close();
        final Snapshot before = Snapshot.of(bus);
        assertThatThrownBy(() -> bus.set(CLOSING))
            .isExactlyInstanceOf(StateBusClosedException.class).hasMessage("bus is closed: cannot publish CLOSING");
        assertThatThrownBy(() -> bus.trySet(CLOSING, 0, TimeUnit.SECONDS))
            .isExactlyInstanceOf(StateBusClosedException.class).hasMessage("bus is closed: cannot publish CLOSING");
        assertThatThrownBy(() -> bus.compareAndSet(CONNECTED, CLOSING))
            .isExactlyInstanceOf(StateBusClosedException.class).hasMessage("bus is closed: cannot publish CLOSING");
        assertThat(Snapshot.of(bus)).isEqualTo(before);
        bus.close(); // idempotent
        assertThat(Snapshot.of(bus)).isEqualTo(before);
    }

    @Test
    void forbiddenTransition() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(4)
            .allow(DISCONNECTED, CONNECTING).allow(CONNECTING, CONNECTED).build())
        {
            bus.set(CONNECTING);
            final Snapshot before = Snapshot.of(bus);
            assertThatThrownBy(() -> bus.set(CLOSED))
                .isExactlyInstanceOf(ForbiddenTransitionException.class)
                .hasMessage("transition CONNECTING -> CLOSED is not allowed by this bus's transition table")
                .satisfies(ex -> assertThat(((ForbiddenTransitionException)ex).from()).isEqualTo(CONNECTING))
                .satisfies(ex -> assertThat(((ForbiddenTransitionException)ex).to()).isEqualTo(CLOSED));
            assertThatThrownBy(() -> bus.trySet(DISCONNECTED, 0, TimeUnit.SECONDS))
                .isExactlyInstanceOf(ForbiddenTransitionException.class)
                .hasMessage("transition CONNECTING -> DISCONNECTED is not allowed by this bus's transition table");
            assertThatThrownBy(() -> bus.compareAndSet(CONNECTING, CLOSING))
                .isExactlyInstanceOf(ForbiddenTransitionException.class)
                .hasMessage("transition CONNECTING -> CLOSING is not allowed by this bus's transition table");
            assertThat(Snapshot.of(bus)).isEqualTo(before);
        }
    }

    @Test
    void secondThreadOnASingleProducerBus() throws Exception
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE))
        {
            final Snapshot before = Snapshot.of(bus);
            final String owner = Thread.currentThread().getName();
            final String expected = "single-producer bus: thread 'intruder' may not publish, thread '" + owner +
                "' owns it; build with ProducerMode.MULTI for many producers";
            assertThat(onAnotherThread(() -> bus.set(CLOSING)))
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage(expected);
            assertThat(onAnotherThread(() -> bus.compareAndSet(CONNECTED, CLOSING)))
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage(expected);
            assertThat(onAnotherThread(() -> bus.trySet(CLOSING, 0, TimeUnit.SECONDS)))
                .isExactlyInstanceOf(IllegalStateException.class).hasMessage(expected);
            assertThat(Snapshot.of(bus)).isEqualTo(before);
            bus.set(CLOSING); // the owner still may
            assertThat(bus.latestSequence()).isEqualTo(before.latest() + 1);
        }
    }

    /**
     * A call on a single-producer bus that has no producer yet and is answered without publishing (forbidden,
     * unchanged, a failed compare) changes nothing, not even who the producer is: the intended producer may still
     * take the bus afterwards.
     */
    @Test
    void aRefusedFirstCallDoesNotMakeItsThreadTheProducer() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(8).producerMode(ProducerMode.SINGLE)
            .allow(DISCONNECTED, CONNECTING).allow(CONNECTING, CONNECTED).build())
        {
            final Snapshot before = Snapshot.of(bus);
            final AtomicLong unchanged = new AtomicLong();
            final AtomicBoolean compared = new AtomicBoolean(true);
            final AtomicBoolean timedSet = new AtomicBoolean();
            assertThat(onAnotherThread(() -> bus.set(CLOSED)))
                .isExactlyInstanceOf(ForbiddenTransitionException.class)
                .hasMessage("transition DISCONNECTED -> CLOSED is not allowed by this bus's transition table");
            assertThat(onAnotherThread(() -> unchanged.set(bus.set(DISCONNECTED)))).isNull();
            assertThat(onAnotherThread(() -> compared.set(bus.compareAndSet(CONNECTING, CONNECTED)))).isNull();
            assertThat(onAnotherThread(() -> timedSet.set(bus.trySet(DISCONNECTED, 0, TimeUnit.SECONDS)))).isNull();
            assertThat(unchanged.get()).isEqualTo(StateBus.NOT_PUBLISHED);
            assertThat(compared.get()).isFalse();
            assertThat(timedSet.get()).isTrue(); // already so: nothing to publish
            assertThat(Snapshot.of(bus)).isEqualTo(before);
            assertThat(bus.set(CONNECTING)).isEqualTo(1); // this thread becomes the producer
            assertThat(onAnotherThread(() -> bus.set(CONNECTED)))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("single-producer bus: thread 'intruder' may not publish");
            assertThat(bus.set(CONNECTED)).isEqualTo(2);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Subscribing
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void subscribingAfterClose()
    {
        final StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE);
        bus.close();
        final Snapshot before = Snapshot.of(bus);
        for (final Policy policy : Policy.values())
        {
            assertThatThrownBy(() -> bus.subscribe(policy))
                .isExactlyInstanceOf(StateBusClosedException.class).hasMessage("bus is closed: cannot subscribe");
            assertThatThrownBy(() -> bus.subscribe(policy, 1))
                .isExactlyInstanceOf(StateBusClosedException.class).hasMessage("bus is closed: cannot subscribe");
            assertThatThrownBy(() -> bus.subscribe(policy, IGNORE))
                .isExactlyInstanceOf(StateBusClosedException.class).hasMessage("bus is closed: cannot subscribe");
            assertThatThrownBy(() -> bus.subscribe(policy, IGNORE, Runnable::run))
                .isExactlyInstanceOf(StateBusClosedException.class).hasMessage("bus is closed: cannot subscribe");
        }
        assertThat(Snapshot.of(bus)).isEqualTo(before);
    }

    @Test
    void nullPolicyHandlerOrExecutor()
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE))
        {
            final Snapshot before = Snapshot.of(bus);
            assertThatThrownBy(() -> bus.subscribe(null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("policy must not be null");
            assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK, (TransitionHandler<Connection>)null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("handler must not be null");
            assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK, IGNORE, null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("executor must not be null");
            assertThat(Snapshot.of(bus)).isEqualTo(before);
        }
    }

    @Test
    void replayStartNoLongerInTheRing()
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(4).build())
        {
            final Connection[] cycle = {CONNECTING, CONNECTED, CLOSING, CLOSED, DISCONNECTED};
            for (int i = 0; i < 10; i++)
            {
                bus.set(cycle[i % cycle.length]);
            }
            final Snapshot before = Snapshot.of(bus);
            for (final Policy policy : Policy.values())
            {
                assertThatThrownBy(() -> bus.subscribe(policy, 2))
                    .isExactlyInstanceOf(ReplayUnavailableException.class)
                    .hasMessage("cannot replay from sequence 2: the oldest sequence still available is 8 and the " +
                        "latest is 10")
                    .satisfies(ex -> assertThat(((ReplayUnavailableException)ex).oldestAvailable()).isEqualTo(8))
                    .satisfies(ex -> assertThat(((ReplayUnavailableException)ex).requested()).isEqualTo(2))
                    .satisfies(ex -> assertThat(((ReplayUnavailableException)ex).latest()).isEqualTo(10));
                assertThat(Snapshot.of(bus)).isEqualTo(before);
            }
            // the sequence the message names can be replayed
            try (Subscription<Connection> replay = bus.subscribe(Policy.BLOCK, 8))
            {
                final Recorder<Connection> r = new Recorder<>();
                replay.poll(r, 10);
                assertThat(r.transitions).extracting(Transition::sequence).containsExactly(8L, 9L, 10L);
            }
        }
    }

    @Test
    void replayStartInTheFuture()
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE))
        {
            final Snapshot before = Snapshot.of(bus);
            for (final Policy policy : Policy.values())
            {
                assertThatThrownBy(() -> bus.subscribe(policy, 4))
                    .isExactlyInstanceOf(ReplayUnavailableException.class)
                    .hasMessage("cannot replay from sequence 4: it is not published yet (the latest is 2; 3 is the " +
                        "next transition)");
                assertThat(Snapshot.of(bus)).isEqualTo(before);
            }
        }
    }

    @Test
    void replayStartBelowOne()
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE))
        {
            final Snapshot before = Snapshot.of(bus);
            assertThatThrownBy(() -> bus.subscribe(Policy.GAP, 0))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("fromSequence must be >= 1 (sequence 0 is the initial state), got 0");
            assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK, -3))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("fromSequence must be >= 1 (sequence 0 is the initial state), got -3");
            assertThat(Snapshot.of(bus)).isEqualTo(before);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Consuming
    // ---------------------------------------------------------------------------------------------------------

    @Test
    void secondThreadPollingASubscription() throws Exception
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE))
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            bus.set(CLOSING);
            sub.poll(IGNORE, 1);
            bus.set(CLOSED);
            final Snapshot before = Snapshot.of(bus);
            final SubSnapshot subBefore = SubSnapshot.of(sub);
            final String owner = Thread.currentThread().getName();
            assertThat(onAnotherThread(() -> sub.poll(IGNORE, 10)))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("subscription is consumed by thread '" + owner + "'; 'intruder' may not poll it");
            assertThat(Snapshot.of(bus)).isEqualTo(before);
            assertThat(SubSnapshot.of(sub)).isEqualTo(subBefore);
            assertThat(sub.poll(IGNORE, 10)).isEqualTo(1); // the owner still may
        }
    }

    @Test
    void pollLimitBelowOne() throws Exception
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE))
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            bus.set(CLOSING);
            final Snapshot before = Snapshot.of(bus);
            final SubSnapshot subBefore = SubSnapshot.of(sub);
            for (final int bad : new int[] {0, -1, Integer.MIN_VALUE})
            {
                assertThatThrownBy(() -> sub.poll(IGNORE, bad))
                    .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("limit must be >= 1, got " + bad);
            }
            assertThat(Snapshot.of(bus)).isEqualTo(before);
            assertThat(SubSnapshot.of(sub)).isEqualTo(subBefore);
            // nothing changed also means: the rejected call did not make this thread the subscription's consumer
            assertThat(onAnotherThread(() -> sub.poll(IGNORE, 10))).isNull();
        }
    }

    @Test
    void anAgentOfASubscriptionConsumedOtherwise() throws Exception
    {
        final ExecutorService executor = Executors.newSingleThreadExecutor();
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.MULTI))
        {
            final Subscription<Connection> threaded = bus.subscribe(Policy.BLOCK, IGNORE);
            final Subscription<Connection> executed = bus.subscribe(Policy.GAP, IGNORE, executor);
            for (final Subscription<Connection> sub : List.of(threaded, executed))
            {
                final SubSnapshot subBefore = SubSnapshot.of(sub);
                assertThatThrownBy(() -> new io.statebus.agent.SubscriptionAgent<>("misused", sub, IGNORE, 16))
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("the subscription is consumed by its " +
                        (sub == threaded ? "handler thread" : "executor") + "; an agent polls it");
                assertThat(SubSnapshot.of(sub)).isEqualTo(subBefore);
                assertThat(sub.isClosed()).isFalse();
            }
            assertThat(new io.statebus.agent.SubscriptionAgent<>("fine", bus.subscribe(Policy.GAP), IGNORE, 16))
                .isNotNull(); // one made for polling is taken
        }
        finally
        {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void nullPollHandler() throws Exception
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE))
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.GAP);
            bus.set(CLOSING);
            final Snapshot before = Snapshot.of(bus);
            final SubSnapshot subBefore = SubSnapshot.of(sub);
            assertThatThrownBy(() -> sub.poll(null, 10))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("handler must not be null");
            assertThat(Snapshot.of(bus)).isEqualTo(before);
            assertThat(SubSnapshot.of(sub)).isEqualTo(subBefore);
            // as for a bad limit: the rejected call did not claim the subscription for this thread
            assertThat(onAnotherThread(() -> sub.poll(IGNORE, 10))).isNull();
        }
    }

    @Test
    void pollOnAHandlerThreadSubscription()
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE))
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK, IGNORE);
            final Snapshot before = Snapshot.of(bus);
            assertThatThrownBy(() -> sub.poll(IGNORE, 10))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("this subscription is consumed by its handler thread; poll is not available");
            assertThat(Snapshot.of(bus)).isEqualTo(before);
            assertThat(sub.isClosed()).isFalse();
            sub.close();
        }
    }

    @Test
    void pollOnAnExecutorSubscription()
    {
        final ExecutorService executor = Executors.newSingleThreadExecutor();
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE))
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK, IGNORE, executor);
            final Snapshot before = Snapshot.of(bus);
            assertThatThrownBy(() -> sub.poll(IGNORE, 10))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("this subscription is consumed by its executor; poll is not available");
            assertThat(Snapshot.of(bus)).isEqualTo(before);
            assertThat(sub.isClosed()).isFalse();
        }
        finally
        {
            executor.shutdownNow();
        }
    }

    @Test
    void pollOnAClosedSubscription()
    {
        try (StateBus<Connection> bus = busWithHistory(ProducerMode.SINGLE))
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            sub.close();
            final Snapshot before = Snapshot.of(bus);
            assertThatThrownBy(() -> sub.poll(IGNORE, 10))
                .isExactlyInstanceOf(StateBusClosedException.class).hasMessage("subscription is closed");
            assertThat(Snapshot.of(bus)).isEqualTo(before);
        }
    }

    /**
     * A user clock that throws fails the set and changes nothing: nothing stays claimed, so a retry publishes
     * CONNECTING -> CONNECTED as sequence 2 and no half-done transition appears later.
     */
    @Test
    void aThrowingClockChangesNothing()
    {
        final AtomicBoolean broken = new AtomicBoolean();
        final NanoClock clock = () ->
        {
            if (broken.get())
            {
                throw new IllegalStateException("clock broke");
            }
            return System.nanoTime();
        };
        for (final ProducerMode mode : new ProducerMode[] {ProducerMode.MULTI, ProducerMode.SINGLE})
        {
            try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(4).producerMode(mode)
                .clock(clock).build())
            {
                final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
                bus.set(CONNECTING);
                broken.set(true);
                assertThatThrownBy(() -> bus.set(CONNECTED)).hasMessage("clock broke");
                broken.set(false);
                assertThat(bus.get()).isEqualTo(CONNECTING);
                assertThat(bus.latestSequence()).isEqualTo(1);
                // the caller retries: the state is CONNECTING, so this must publish CONNECTING -> CONNECTED
                final long retried = bus.set(CONNECTED);
                final Connection after = bus.get();
                bus.set(CLOSING);
                final List<String> seen = new ArrayList<>();
                sub.poll((t, end) -> seen.add(t.sequence() + " " + t.from() + "->" + t.to()), 10);
                assertThat(List.of(retried, after, seen)).as(mode.toString()).isEqualTo(List.of(2L, CONNECTED,
                    List.of("1 DISCONNECTED->CONNECTING", "2 CONNECTING->CONNECTED", "3 CONNECTED->CLOSING")));
            }
        }
    }

    /** A poll refused because the subscription is closed makes no thread its consumer. */
    @Test
    void pollOnAClosedSubscriptionClaimsNothing() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(4).build())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            sub.close();
            assertThat(onAnotherThread(() -> sub.poll((t, e) -> { }, 10)))
                .isExactlyInstanceOf(StateBusClosedException.class).hasMessage("subscription is closed");
            assertThatThrownBy(() -> sub.poll((t, e) -> { }, 10))
                .isExactlyInstanceOf(StateBusClosedException.class).hasMessage("subscription is closed");
        }
    }

    /** allow(X) with no targets adds no transition, so it does not turn on a table that forbids everything. */
    @Test
    void allowWithNoTargetsForbidsNothing()
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(4).allow(CLOSED).build())
        {
            assertThat(bus.set(CONNECTING)).isEqualTo(1);
        }
    }

    @Test
    void aRefusedReplayNamesOnlyPublishedSequences() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(4).noClock().build())
        {
            for (int i = 0; i < 10; i++)
            {
                bus.set(TestStates.CYCLE[i % TestStates.CYCLE.length]);
            }
            final long published = bus.latestSequence(); // 10; the ring holds 7..10
            // the moment inside a publish after the claimed slot is written and before the cursor moves
            final Field ringField = StateBus.class.getDeclaredField("ring");
            ringField.setAccessible(true);
            final long[] slots = ((io.statebus.ring.TransitionRing)ringField.get(bus)).slotsForOwner();
            final int nextId = TestStates.CYCLE[(int)(published % TestStates.CYCLE.length)].ordinal();
            slots[(int)(published + 1) & (slots.length - 1)] =
                SlotWord.pack(published + 1, bus.get().ordinal(), nextId);

            final ReplayUnavailableException ex =
                catchThrowableOfType(() -> bus.subscribe(Policy.GAP, 2), ReplayUnavailableException.class);
            assertThat(ex).isNotNull();
            assertThat(ex.latest()).as(ex.getMessage()).isEqualTo(published);
            assertThat(ex.oldestAvailable()).as(ex.getMessage()).isGreaterThan(published + 1 - 4);
        }
    }

    @Test
    void aForbiddenTransitionKeepsItsStatesThroughSerialization() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).allow(DISCONNECTED, CONNECTING).build())
        {
            final ForbiddenTransitionException ex =
                catchThrowableOfType(() -> bus.set(CLOSED), ForbiddenTransitionException.class);
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes))
            {
                out.writeObject(ex);
            }
            final ForbiddenTransitionException copy;
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray())))
            {
                copy = (ForbiddenTransitionException)in.readObject();
            }
            assertThat(copy.getMessage()).isEqualTo(ex.getMessage());
            assertThat(copy.from()).isEqualTo(DISCONNECTED);
            assertThat(copy.to()).isEqualTo(CLOSED);
        }
    }
}
