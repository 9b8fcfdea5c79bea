package io.statebus;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 4 on a {@link ProducerMode#MULTI} bus of every kind: a timed set that waits not for ring capacity but
 * for another producer (one blocked by back-pressure, holding the right to publish) gives up at its deadline, or
 * on an interrupt, changing and publishing nothing; the other producer then publishes, chained as if the timed
 * call had never been made. A timed set that waited as long as it took (its deadline or its interrupt ignored
 * while it waits for the other producer) would not end until the other producer could publish.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ATimedSetGivesUpBehindAnotherProducerTest
{
    private static final int CAPACITY = 4;
    private static final long KEY = 7;

    /** A timed set of value number {@code v}. */
    @FunctionalInterface
    interface TimedSet
    {
        boolean trySet(int v, Duration timeout) throws InterruptedException;
    }

    /** One bus of one kind with a never-polled BLOCK subscription, driven by value numbers (each a new value). */
    record Bus(IntConsumer set, TimedSet timed, Supplier<String> get, IntFunction<String> valueOf,
        LongSupplier latestSequence, IntSupplier drain, AutoCloseable bus) implements AutoCloseable
    {
        @Override
        public void close() throws Exception
        {
            bus.close();
        }
    }

    /** The four kinds of bus. */
    enum Kind
    {
        STATES, LONGS, VALUES, KEYED;

        Bus build(final FirstIdleFixture idle)
        {
            switch (this)
            {
                case STATES:
                    final StateBus<Integer> states = StateBus.builder(0, TestStates.integers(8)).capacity(CAPACITY)
                        .producerMode(ProducerMode.MULTI).producerIdleStrategy(idle).build();
                    final Subscription<Integer> s = states.subscribe(Policy.BLOCK);
                    return new Bus(states::set, states::trySet, () -> states.get().toString(), Integer::toString,
                        states::latestSequence, () -> s.poll((t, end) -> { }, 100), states);
                case LONGS:
                    final LongStateBus longs = StateBus.longBuilder(0).capacity(CAPACITY)
                        .producerMode(ProducerMode.MULTI).producerIdleStrategy(idle).build();
                    final LongSubscription l = longs.subscribe(Policy.BLOCK);
                    return new Bus(longs::set, longs::trySet, () -> Long.toString(longs.get()), Integer::toString,
                        longs::latestSequence, () -> l.poll((t, end) -> { }, 100), longs);
                case VALUES:
                    final ValueStateBus<String> values = StateBus.valueBuilder("v0").capacity(CAPACITY)
                        .producerMode(ProducerMode.MULTI).producerIdleStrategy(idle).build();
                    final Subscription<String> v = values.subscribe(Policy.BLOCK);
                    // a new String each time ("v" + n): equal values, never the same object
                    return new Bus(n -> values.set("v" + n), (n, timeout) -> values.trySet("v" + n, timeout),
                        values::get, n -> "v" + n,
                        values::latestSequence, () -> v.poll((t, end) -> { }, 100), values);
                default:
                    final KeyedStateBus<Integer> keyed = KeyedStateBus.builder(TestStates.integers(8))
                        .capacity(CAPACITY).producerMode(ProducerMode.MULTI).producerIdleStrategy(idle).build();
                    keyed.open(KEY, 0); // sequence 1, before the subscription joins: not one of the test's sets
                    final KeyedSubscription<Integer> k = keyed.subscribe(Policy.BLOCK);
                    return new Bus(n -> keyed.set(KEY, n), (n, timeout) -> keyed.trySet(KEY, n, timeout),
                        () -> keyed.get(KEY).toString(), Integer::toString, () -> keyed.latestSequence() - 1,
                        () -> k.poll((t, end) -> { }, 100), keyed);
            }
        }
    }

    /**
     * The ring full (values 1 to 4 published, none consumed), a producer blocked in set(5) holding the right to
     * publish, then a timed set(6) on its own thread, interrupted first if asked: it must end by itself, with
     * {@code expected}, having changed nothing; then the subscription polls, the blocked producer publishes 5, and
     * nothing else is ever published.
     */
    private static void behindABlockedProducer(final Kind kind, final boolean interrupted, final String expected)
        throws Exception
    {
        final FirstIdleFixture idle = new FirstIdleFixture();
        try (Bus bus = kind.build(idle))
        {
            for (int v = 1; v <= CAPACITY; v++)
            {
                bus.set().accept(v);
            }
            final Thread blocked = new Thread(() -> bus.set().accept(5), "blocked-in-set");
            blocked.start();
            assertThat(idle.awaitProducerBlocked()).isTrue();

            final CompletableFuture<String> outcome = new CompletableFuture<>();
            final Thread timed = new Thread(() -> outcome.complete(timedSet(bus, interrupted)), "timed-set");
            timed.start();
            // bounded: a timed set that waits as long as it takes would end only when the try's close releases it
            assertThat(outcome).as("the timed set ended by itself").succeedsWithin(Duration.ofSeconds(10))
                .isEqualTo(expected);
            TestAwait.ended(timed);
            assertThat(bus.get().get()).isEqualTo(bus.valueOf().apply(CAPACITY));
            assertThat(bus.latestSequence().getAsLong()).isEqualTo(CAPACITY);

            assertThat(bus.drain().getAsInt()).isEqualTo(CAPACITY);
            TestAwait.ended(blocked);
            assertThat(bus.get().get()).isEqualTo(bus.valueOf().apply(5));
            assertThat(bus.latestSequence().getAsLong()).as("the blocked set's transition, none of the timed one's")
                .isEqualTo(CAPACITY + 1);
            assertThat(bus.drain().getAsInt()).isEqualTo(1);
        }
    }

    private static String timedSet(final Bus bus, final boolean interrupted)
    {
        if (interrupted)
        {
            // before or while it waits for the other producer: either way it must throw, at once
            Thread.currentThread().interrupt();
        }
        try
        {
            return Boolean.toString(bus.timed().trySet(6, interrupted ? Duration.ofMinutes(10) : Duration.ofMillis(50)));
        }
        catch (final InterruptedException ex)
        {
            return "interrupted";
        }
        catch (final RuntimeException ex)
        {
            return ex.toString();
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void itGivesUpAtItsDeadlineChangingNothing(final Kind kind) throws Exception
    {
        behindABlockedProducer(kind, false, "false");
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anInterruptEndsItChangingNothing(final Kind kind) throws Exception
    {
        behindABlockedProducer(kind, true, "interrupted");
    }
}
