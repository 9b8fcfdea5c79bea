package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.statebus.Connection.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The optional transition table: a forbidden transition throws a clear exception and publishes nothing. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TransitionTableTest
{
    private static StateBus<Connection> lifecycle()
    {
        return lifecycle(8);
    }

    private static StateBus<Connection> lifecycle(final int capacity)
    {
        return StateBus.builder(DISCONNECTED).capacity(capacity)
            .allow(DISCONNECTED, CONNECTING)
            .allow(CONNECTING, CONNECTED, CLOSING)
            .allow(CONNECTED, CLOSING)
            .allow(CLOSING, CLOSED)
            .allow(CLOSED, DISCONNECTED)
            .build();
    }

    @Test
    void allowedTransitionsArePublished()
    {
        try (StateBus<Connection> bus = lifecycle())
        {
            for (final Connection next : new Connection[] {CONNECTING, CONNECTED, CLOSING, CLOSED, DISCONNECTED})
            {
                bus.set(next);
            }
            assertThat(bus.latestSequence()).isEqualTo(5);
        }
    }

    @Test
    void aForbiddenTransitionThrowsAndChangesNothing()
    {
        try (StateBus<Connection> bus = lifecycle())
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            bus.set(CONNECTING);
            assertThatThrownBy(() -> bus.set(CLOSED))
                .isInstanceOf(ForbiddenTransitionException.class)
                .hasMessage("transition CONNECTING -> CLOSED is not allowed by this bus's transition table");
            assertThatThrownBy(() -> bus.compareAndSet(CONNECTING, DISCONNECTED))
                .isInstanceOf(ForbiddenTransitionException.class);
            assertThat(bus.get()).isEqualTo(CONNECTING);
            assertThat(bus.latestSequence()).isEqualTo(1);
            final Recorder<Connection> recorder = new Recorder<>();
            sub.poll(recorder, 10);
            assertThat(recorder.transitions).hasSize(1);
            // a compareAndSet whose expectation fails is not a forbidden transition: it just fails
            assertThat(bus.compareAndSet(CLOSED, DISCONNECTED)).isFalse();
        }
    }

    @Test
    void aForbiddenSelfTransitionIsRefusedWhenUnchangedValuesArePublished()
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).publishUnchanged(true)
            .allow(DISCONNECTED, CONNECTING).build())
        {
            assertThatThrownBy(() -> bus.set(DISCONNECTED)).isInstanceOf(ForbiddenTransitionException.class);
            assertThat(bus.latestSequence()).isZero();
        }
    }

    /**
     * Two producers racing on a {@link ProducerMode#MULTI} bus (the default), each setting random states: the table
     * is checked against the state each transition is published from, so none published is forbidden, whatever the
     * other producer did between a call's start and its publish; a refused call changes nothing, so the chain holds.
     */
    @Test
    void twoRacingProducersNeverPublishAForbiddenTransition() throws Exception
    {
        final int attempts = 100_000; // each; about a quarter publish, fewer than the ring holds: no producer waits
        try (StateBus<Connection> bus = lifecycle(1 << 17))
        {
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            final CountDownLatch start = new CountDownLatch(1);
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < 2; p++)
            {
                final SplittableRandom random = new SplittableRandom(p);
                producers.add(new Thread(() ->
                {
                    try
                    {
                        start.await();
                        for (int i = 0; i < attempts; i++)
                        {
                            final Connection next = Connection.values()[random.nextInt(5)];
                            try
                            {
                                bus.set(next);
                            }
                            catch (final ForbiddenTransitionException ex)
                            {
                                // refused: changed nothing
                            }
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failure.set(ex);
                    }
                }, "producer-" + p));
            }
            producers.forEach(Thread::start);
            start.countDown();
            for (final Thread producer : producers)
            {
                TestAwait.ended(producer);
            }
            assertThat(failure.get()).isNull();
            final Recorder<Connection> recorder = new Recorder<>();
            TestAwait.drain(sub, recorder);
            assertThat(recorder.transitions).hasSize((int)bus.latestSequence());
            Connection state = DISCONNECTED;
            for (final Transition<Connection> t : recorder.transitions)
            {
                assertThat(t.from()).as("chained at #%d", t.sequence()).isEqualTo(state);
                assertThat(t.to()).as("allowed at #%d", t.sequence()).isIn(allowedAfter(t.from()));
                state = t.to();
            }
            assertThat(bus.get()).isEqualTo(state);
        }
    }

    private static List<Connection> allowedAfter(final Connection from)
    {
        switch (from)
        {
            case DISCONNECTED:
                return List.of(CONNECTING);
            case CONNECTING:
                return List.of(CONNECTED, CLOSING);
            case CONNECTED:
                return List.of(CLOSING);
            case CLOSING:
                return List.of(CLOSED);
            default:
                return List.of(DISCONNECTED);
        }
    }
}
