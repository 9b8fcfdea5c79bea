package io.statebus;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 9 on a {@link ProducerMode#SINGLE} bus of every kind: after {@code close()} every publishing call
 * fails with {@link StateBusClosedException}, from whichever thread (the owner, another thread, or the first to
 * call on a bus closed before anyone published), and none makes its thread the owner: the bus is closed, whoever
 * asks. The owner rule's error ("thread ... owns it") is for an open bus, where a second thread could publish.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AClosedSingleProducerBusSaysClosedToEveryThreadTest
{
    /** A call that may throw anything. */
    @FunctionalInterface
    interface Call
    {
        void run() throws Exception;
    }

    /** One single-producer bus: a call that publishes (done before the close, or not), and every publishing call. */
    record Bus(AutoCloseable bus, Call publish, List<Call> calls)
    {
    }

    /** The four kinds of bus. */
    enum Kind
    {
        STATES, LONGS, VALUES, KEYED;

        Bus build()
        {
            switch (this)
            {
                case STATES:
                    final StateBus<Connection> s = StateBus.builder(Connection.DISCONNECTED)
                        .producerMode(ProducerMode.SINGLE).build();
                    return new Bus(s, () -> s.set(Connection.CONNECTING), List.of(() -> s.set(Connection.CLOSED),
                        () -> s.trySet(Connection.CLOSED, Duration.ofSeconds(1)),
                        () -> s.compareAndSet(Connection.CONNECTING, Connection.CLOSED),
                        () -> s.compareAndSet(Connection.CLOSING, Connection.CLOSED)));
                case LONGS:
                    final LongStateBus l = StateBus.longBuilder(0).producerMode(ProducerMode.SINGLE).build();
                    return new Bus(l, () -> l.set(1), List.of(() -> l.set(2), () -> l.trySet(2, Duration.ofSeconds(1)),
                        () -> l.compareAndSet(1, 2), () -> l.compareAndSet(-1, 2)));
                case VALUES:
                    final ValueStateBus<String> v = StateBus.valueBuilder("a").producerMode(ProducerMode.SINGLE)
                        .build();
                    return new Bus(v, () -> v.set("b"), List.of(() -> v.set("c"),
                        () -> v.trySet("c", Duration.ofSeconds(1)), () -> v.compareAndSet("b", "c"),
                        () -> v.compareAndSet("z", "c")));
                default:
                    final KeyedStateBus<Connection> k = KeyedStateBus.builder(Connection.class)
                        .producerMode(ProducerMode.SINGLE).build();
                    return new Bus(k, () -> k.open(1, Connection.CONNECTING), List.of(() -> k.open(2,
                        Connection.CONNECTING), () -> k.set(1, Connection.CLOSED),
                        () -> k.trySet(1, Connection.CLOSED, Duration.ofSeconds(1)),
                        () -> k.compareAndSet(1, Connection.CONNECTING, Connection.CLOSED)));
            }
        }
    }

    /** Every call of {@code bus}, each on a new thread of its own: what each threw. */
    private static List<Throwable> eachOnItsOwnThread(final Bus bus)
    {
        final List<Throwable> thrown = Collections.synchronizedList(new ArrayList<>());
        int i = 0;
        for (final Call call : bus.calls())
        {
            thrown.add(TestAwait.thrownOnThread("caller-" + i++, () ->
            {
                try
                {
                    call.run();
                }
                catch (final RuntimeException ex)
                {
                    throw ex;
                }
                catch (final Exception ex)
                {
                    throw new AssertionError(ex); // a checked exception: none expected
                }
            }));
        }
        return thrown;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anotherThreadThanTheOwnerIsToldTheBusIsClosed(final Kind kind) throws Exception
    {
        final Bus bus = kind.build();
        bus.publish().run(); // this thread owns the bus
        bus.bus().close();
        assertThat(eachOnItsOwnThread(bus)).allSatisfy(ex -> assertThat(ex)
            .isInstanceOf(StateBusClosedException.class).hasMessageContaining("closed"));
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aCallOnABusClosedBeforeAnyPublishMakesNoThreadTheOwner(final Kind kind) throws Exception
    {
        final Bus bus = kind.build();
        bus.bus().close();
        // each call on its own thread: the first must not become the owner that the next are told of
        assertThat(eachOnItsOwnThread(bus)).allSatisfy(ex -> assertThat(ex)
            .isInstanceOf(StateBusClosedException.class).hasMessageContaining("closed"));
    }
}
