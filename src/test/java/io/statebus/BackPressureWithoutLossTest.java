package io.statebus;

import io.statebus.publish.BackPressure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;

import static io.statebus.TestStates.CYCLE;
import static io.statebus.TestStates.cycleAt;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 4: a producer never overwrites a slot that a {@link Policy#BLOCK} subscription has not consumed; it
 * waits, and the timed variant gives up after its deadline without changing the state or publishing anything, and
 * says so. Every test publishes {@link TestStates#CYCLE} in order, so what each sequence carries is known.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BackPressureWithoutLossTest
{
    private static final int CAPACITY = 8;
    private static final LongFunction<Connection> CYCLE_AT = TestStates::cycleAt;

    private static Connection nextFor(final StateBus<Connection> bus)
    {
        return CYCLE[(int)(bus.latestSequence() % CYCLE.length)];
    }

    private static boolean tryPublish(final StateBus<Connection> bus, final long timeoutMillis)
        throws InterruptedException
    {
        return bus.trySet(nextFor(bus), timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void aTimedSetAgainstAFullRingGivesUpWithoutChangingOrPublishingAnything(final ProducerMode mode)
        throws InterruptedException
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY)
            .producerMode(mode).build())
        {
            final Subscription<Connection> stalled = bus.subscribe(Policy.BLOCK);
            final Subscription<Connection> witness = bus.subscribe(Policy.GAP);
            for (int i = 0; i < CAPACITY; i++)
            {
                assertThat(tryPublish(bus, 0)).isTrue();
            }
            assertThat(bus.producerWaits()).isZero();

            final Connection before = bus.get();
            assertThat(tryPublish(bus, 20)).as("a ninth transition on a full ring of 8").isFalse();
            assertThat(bus.trySet(nextFor(bus), 0, TimeUnit.NANOSECONDS)).as("the same with no timeout").isFalse();

            assertThat(bus.get()).isEqualTo(before);
            assertThat(bus.latestSequence()).isEqualTo(CAPACITY);
            assertThat(bus.latestSequence()).isEqualTo(CAPACITY);
            assertThat(bus.producerWaits()).as("one wait per call that gave up").isEqualTo(2);
            assertThat(bus.producerWaitNanos()).isPositive();
            assertThat(bus.trySet(before, 0, TimeUnit.NANOSECONDS)).as("the current state: nothing to publish")
                .isTrue();
            assertThat(bus.latestSequence()).isEqualTo(CAPACITY);
            assertThat(bus.producerWaits()).isEqualTo(2);
            final ChainCheckFixture<Connection> witnessed = new ChainCheckFixture<>(witness, CAPACITY, CYCLE_AT);
            assertThat(witness.poll(witnessed, 100)).as("the witness sees the 8, nothing more").isEqualTo(CAPACITY);
            assertThat(witness.poll(witnessed, 100)).isZero();
            assertThat(witnessed.verdict()).isEqualTo("clean");

            // nothing the stalled subscription had not consumed was overwritten
            final ChainCheckFixture<Connection> consumed = new ChainCheckFixture<>(stalled, CAPACITY, CYCLE_AT);
            assertThat(stalled.poll(consumed, 100)).isEqualTo(CAPACITY);
            assertThat(consumed.verdict()).isEqualTo("clean");
            assertThat(tryPublish(bus, 0)).as("room again once the subscriber polled").isTrue();
            assertThat(bus.latestSequence()).isEqualTo(CAPACITY + 1);
        }
    }

    @Test
    void theProducerGetsExactlyAsFarAheadAsTheSlowestBlockSubscriptionAllows() throws InterruptedException
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY).build())
        {
            final Subscription<Connection> a = bus.subscribe(Policy.BLOCK);
            final Subscription<Connection> b = bus.subscribe(Policy.BLOCK);
            final ChainCheckFixture<Connection> aCheck = new ChainCheckFixture<>(a, Long.MAX_VALUE, CYCLE_AT);
            final ChainCheckFixture<Connection> bCheck = new ChainCheckFixture<>(b, Long.MAX_VALUE, CYCLE_AT);
            assertThat(publishUntilFull(bus)).isEqualTo(8);

            assertThat(a.poll(aCheck, 5)).isEqualTo(5);
            assertThat(b.poll(bCheck, 2)).isEqualTo(2);
            assertThat(publishUntilFull(bus)).as("b, the slowest, freed 2 slots").isEqualTo(2);

            assertThat(b.poll(bCheck, 100)).isEqualTo(8);
            assertThat(publishUntilFull(bus)).as("now a is the slowest: it consumed 5 of 10").isEqualTo(3);

            assertThat(a.poll(aCheck, 100)).isEqualTo(8);
            assertThat(b.poll(bCheck, 100)).isEqualTo(3);
            assertThat(publishUntilFull(bus)).isEqualTo(8);
            assertThat(a.poll(aCheck, 100) + b.poll(bCheck, 100)).isEqualTo(16);

            assertThat(aCheck.verdict()).isEqualTo("clean");
            assertThat(bCheck.verdict()).isEqualTo("clean");
            assertThat(aCheck.delivered).isEqualTo(21);
            assertThat(bCheck.delivered).isEqualTo(21);
            assertThat(bus.latestSequence()).isEqualTo(21);
        }
    }

    private static int publishUntilFull(final StateBus<Connection> bus) throws InterruptedException
    {
        int published = 0;
        while (published <= 2 * CAPACITY && tryPublish(bus, 0))
        {
            published++;
        }
        return published;
    }

    @Test
    void aProducerBlockedInSetWaitsAndProceedsAsSoonAsTheSubscriberPolls() throws Exception
    {
        final FirstIdleFixture idle = new FirstIdleFixture();
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY)
            .producerIdleStrategy(idle).build())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            final AtomicLong blockedSetReturned = new AtomicLong(-100);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < CAPACITY; i++)
                    {
                        bus.set(cycleAt(i + 1));
                    }
                    blockedSetReturned.set(bus.set(cycleAt(CAPACITY + 1)));
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            }, "blocked-producer");
            producer.start();
            assertThat(idle.awaitProducerBlocked()).as("the producer waits for capacity").isTrue();
            assertThat(bus.latestSequence()).isEqualTo(CAPACITY);
            assertThat(blockedSetReturned.get()).isEqualTo(-100);

            final ChainCheckFixture<Connection> check = new ChainCheckFixture<>(sub, Long.MAX_VALUE, CYCLE_AT);
            assertThat(sub.poll(check, 1)).isEqualTo(1);
            TestAwait.ended(producer);

            assertThat(failure.get()).isNull();
            assertThat(blockedSetReturned.get()).isEqualTo(CAPACITY + 1);
            assertThat(bus.get()).isEqualTo(cycleAt(CAPACITY + 1));
            assertThat(bus.producerWaits()).isEqualTo(1);
            assertThat(sub.poll(check, 100)).isEqualTo(CAPACITY);
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(CAPACITY + 1);
        }
    }

    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void closingTheStalledSubscriptionReleasesAProducerBlockedInSetOnAnotherThread(final ProducerMode mode)
        throws Exception
    {
        final FirstIdleFixture idle = new FirstIdleFixture();
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY)
            .producerMode(mode).producerIdleStrategy(idle).build())
        {
            final Subscription<Connection> stalled = bus.subscribe(Policy.BLOCK);
            final Subscription<Connection> witness = bus.subscribe(Policy.GAP);
            final AtomicLong blockedSetReturned = new AtomicLong(-100);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < CAPACITY; i++)
                    {
                        bus.set(cycleAt(i + 1));
                    }
                    blockedSetReturned.set(bus.set(cycleAt(CAPACITY + 1)));
                    // no BLOCK subscription is left: three more rings go through without waiting
                    for (int i = CAPACITY + 2; i <= 4 * CAPACITY; i++)
                    {
                        if (!bus.trySet(cycleAt(i), 0, TimeUnit.SECONDS))
                        {
                            throw new AssertionError("#" + i + " had to wait after the stalled subscription closed");
                        }
                    }
                }
                catch (final Throwable ex)
                {
                    failure.set(ex);
                }
            }, "blocked-producer");
            producer.start();
            assertThat(idle.awaitProducerBlocked()).as("the producer waits for capacity").isTrue();
            assertThat(bus.latestSequence()).isEqualTo(CAPACITY);
            assertThat(bus.get()).as("a waiting set has changed nothing yet").isEqualTo(cycleAt(CAPACITY));

            stalled.close();
            TestAwait.ended(producer);

            assertThat(failure.get()).isNull();
            assertThat(blockedSetReturned.get()).isEqualTo(CAPACITY + 1);
            assertThat(bus.latestSequence()).isEqualTo(4 * CAPACITY);
            assertThat(bus.producerWaits()).isEqualTo(1);
            final ChainCheckFixture<Connection> witnessed = new ChainCheckFixture<>(witness, Long.MAX_VALUE, CYCLE_AT);
            TestAwait.drain(witness, witnessed);
            assertThat(witnessed.verdict()).isEqualTo("clean");
            assertThat(witness.delivered() + witness.missed()).isEqualTo(4 * CAPACITY);
        }
    }

    /**
     * trySet documents "@throws InterruptedException if interrupted while waiting": the back-pressure loop must
     * check the interrupt (an idle strategy's park returns at once for an interrupted thread, so ignoring it would
     * busy-spin until the deadline and return false). The interrupted call changes nothing.
     */
    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void aTimedSetWaitingForCapacityEndsOnAnInterruptChangingNothing(final ProducerMode mode) throws Exception
    {
        final FirstIdleFixture idle = new FirstIdleFixture();
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(CAPACITY)
            .producerMode(mode).producerIdleStrategy(idle).build())
        {
            bus.subscribe(Policy.BLOCK); // never polled
            final AtomicReference<Object> outcome = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < CAPACITY; i++)
                    {
                        bus.set(cycleAt(i + 1));
                    }
                    outcome.set(bus.trySet(cycleAt(CAPACITY + 1), 1, TimeUnit.HOURS));
                }
                catch (final InterruptedException expected)
                {
                    outcome.set(expected);
                }
                catch (final Throwable ex)
                {
                    outcome.set(new AssertionError("unexpected", ex));
                }
            }, "interrupted-producer");
            producer.start();
            assertThat(idle.awaitBlocked(producer)).as("the producer waits for capacity").isTrue();
            producer.interrupt();
            TestAwait.ended(producer);

            assertThat(outcome.get()).as("what trySet did when interrupted while waiting")
                .isInstanceOf(InterruptedException.class);
            assertThat(bus.get()).isEqualTo(cycleAt(CAPACITY));
            assertThat(bus.latestSequence()).isEqualTo(CAPACITY);
        }
    }

    /** The default producer idle strategy has state: two buses built by one builder get one each. */
    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void twoBusesFromOneBuilderWaitWithTheirOwnDefaultIdleStrategy() throws Exception
    {
        final StateBusBuilder<Integer> builder = StateBus.builder(0, TestStates.integers(3)).capacity(4);
        try (StateBus<Integer> a = builder.build(); StateBus<Integer> b = builder.build())
        {
            final java.lang.reflect.Field idle = BackPressure.class.getDeclaredField("idle");
            idle.setAccessible(true);
            assertThat(idle.get(a.producer().backPressure())).isNotSameAs(idle.get(b.producer().backPressure()));
        }
    }
}
