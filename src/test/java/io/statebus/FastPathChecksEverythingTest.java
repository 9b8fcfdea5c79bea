package io.statebus;

import io.statebus.publish.SingleProducer;
import io.statebus.publish.RegistrationWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Once a single-producer bus's owner has published, its next publishes take a fast path where one read of a gate
 * stands for the owner, closed and listener checks of the full path. These tests pin down that the gate shuts for
 * everything those checks catch, each time after the owner has published (so the gate was open): a close from
 * another thread, an executor subscription or an await added later. Without the gate shutting, each fails.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FastPathChecksEverythingTest
{
    private static StateBus<Connection> busOnItsFastPath()
    {
        final StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(64).noClock()
            .producerMode(ProducerMode.SINGLE).build();
        bus.set(Connection.CONNECTING); // the full path: makes this thread the owner, then opens the gate
        bus.set(Connection.CONNECTED); // the fast path
        assertThat(fastPathOpen(bus)).as("fast path open after the owner's first publish").isTrue();
        return bus;
    }

    @Test
    void aCloseFromAnotherThreadIsSeenByTheOwnersNextSet() throws Exception
    {
        try (StateBus<Connection> bus = busOnItsFastPath())
        {
            final Thread closer = new Thread(bus::close, "closer");
            closer.start();
            closer.join(); // close() returned before the set below
            assertThat(fastPathOpen(bus)).isFalse();

            assertThatThrownBy(() -> bus.set(Connection.CLOSING)).isInstanceOf(StateBusClosedException.class);
            assertThatThrownBy(() -> bus.trySet(Connection.CLOSING, 1, TimeUnit.SECONDS))
                .isInstanceOf(StateBusClosedException.class);
            assertThatThrownBy(() -> bus.compareAndSet(Connection.CONNECTED, Connection.CLOSING))
                .isInstanceOf(StateBusClosedException.class);
            assertThat(bus.get()).isEqualTo(Connection.CONNECTED);
            assertThat(bus.latestSequence()).isEqualTo(2);
        }
    }

    @Test
    void anExecutorSubscriptionAddedByTheOwnerIsToldOfItsVeryNextPublish() throws Exception
    {
        try (StateBus<Connection> bus = busOnItsFastPath())
        {
            final Recorder<Connection> recorder = new Recorder<>();
            // a same-thread executor subscribed from the producer, after its first publish: no registration
            // recheck, so the handler runs only if a publish tells it
            bus.subscribe(Policy.BLOCK, recorder, Runnable::run);

            bus.set(Connection.CLOSING);
            assertThat(recorder.transitions).extracting(Transition::to).containsExactly(Connection.CLOSING);
            assertThat(bus.trySet(Connection.CLOSED, 1, TimeUnit.SECONDS)).isTrue();
            assertThat(bus.compareAndSet(Connection.CLOSED, Connection.DISCONNECTED)).isTrue();
            assertThat(recorder.transitions).extracting(Transition::to)
                .containsExactly(Connection.CLOSING, Connection.CLOSED, Connection.DISCONNECTED);
        }
    }

    @Test
    void theGateReopensWhenTheLastListenerLeavesAndShutsAgainForTheNext()
    {
        try (StateBus<Connection> bus = busOnItsFastPath())
        {
            final Recorder<Connection> first = new Recorder<>();
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK, first, Runnable::run);
            bus.set(Connection.CLOSING);
            assertThat(fastPathOpen(bus)).as("shut while a listener is registered").isFalse();
            sub.close();
            bus.set(Connection.CLOSED); // the full path: no listener left, so it reopens the gate
            assertThat(fastPathOpen(bus)).as("reopened once no listener is left").isTrue();
            bus.set(Connection.DISCONNECTED); // the fast path again

            final Recorder<Connection> second = new Recorder<>();
            bus.subscribe(Policy.BLOCK, second, Runnable::run);
            bus.set(Connection.CONNECTING);

            assertThat(first.transitions).extracting(Transition::to).containsExactly(Connection.CLOSING);
            assertThat(second.transitions).extracting(Transition::to).containsExactly(Connection.CONNECTING);
        }
    }

    @Test
    void anAwaitParkedPastItsRegistrationWindowIsWokenByTheOwnersNextSet() throws Exception
    {
        try (StateBus<Connection> bus = busOnItsFastPath())
        {
            final AtomicReference<Awaited<Connection>> result = new AtomicReference<>();
            final CountDownLatch done = new CountDownLatch(1);
            final Thread waiter = new Thread(() ->
            {
                try
                {
                    result.set(bus.await(Connection.CLOSING, 20, TimeUnit.SECONDS));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                finally
                {
                    done.countDown();
                }
            }, "waiter");
            waiter.start();

            // registered, then parked beyond the registration window: from here only a publish that tells the
            // await wakes it before its 20 s deadline
            final long windowEnds = awaitRegistered(bus) + 20 * RegistrationWindow.NANOS;
            // (no fixture sees an await park, so its thread's state does; bounded, backing off)
            TestAwait.until(() -> System.nanoTime() - windowEnds >= 0 &&
                waiter.getState() == Thread.State.TIMED_WAITING, "the await is parked past its registration window");
            bus.set(Connection.CLOSING);

            assertThat(done.await(10, TimeUnit.SECONDS)).as("await woken by the publish").isTrue();
            assertThat(result.get().outcome()).isEqualTo(Awaited.Outcome.MATCHED);
            assertThat(result.get().transition().sequence()).isEqualTo(3);
        }
    }

    @Test
    void aMultiProducerBusAlwaysTakesTheFullPath()
    {
        try (StateBus<Connection> bus =
                 StateBus.builder(Connection.DISCONNECTED).producerMode(ProducerMode.MULTI).noClock().build())
        {
            bus.set(Connection.CONNECTING);
            bus.set(Connection.CONNECTED);
            assertThat(fastPathOpen(bus)).as("the lock is the multi-producer bus's only way in").isFalse();
        }
    }

    /** Waits (bounded) until an await has joined; returns when it was seen, no earlier than it joined. */
    private static long awaitRegistered(final StateBus<Connection> bus)
    {
        TestAwait.until(() -> bus.subscriptionCount() > 0, "the await has joined");
        return System.nanoTime();
    }

    /**
     * The gate is closed before {@code closed} is set, and stays closed: an owner that has seen
     * {@link StateBus#isClosed()} (a happens-before edge with the close) can no longer publish, even in a race.
     */
    @Test
    void anOwnerThatSawTheBusClosedCannotPublishAnymore() throws Exception
    {
        final SynchronousQueue<StateBus<Connection>> toClose = new SynchronousQueue<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final long stopAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        final Thread owner = new Thread(() ->
        {
            try
            {
                while (System.nanoTime() - stopAt < 0 && violations.isEmpty())
                {
                    final StateBus<Connection> bus = busOnItsFastPath();
                    toClose.put(bus);
                    while (!bus.isClosed())
                    {
                        Thread.onSpinWait(); // the closer closes it at once
                    }
                    try
                    {
                        violations.add("set published " + bus.set(Connection.CLOSING) + " after isClosed()");
                    }
                    catch (final StateBusClosedException expected)
                    {
                        // the contract
                    }
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "owner");
        owner.start();
        while (owner.isAlive())
        {
            final StateBus<Connection> bus = toClose.poll(100, TimeUnit.MILLISECONDS);
            if (bus != null)
            {
                bus.close();
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void anUnchangedStateIsPublishedFromTheFastPathWhenTheBusIsBuiltToPublishIt()
    {
        try (StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(64).noClock()
            .producerMode(ProducerMode.SINGLE).publishUnchanged(true).build())
        {
            bus.set(Connection.CONNECTING);
            bus.set(Connection.CONNECTED);
            assertThat(fastPathOpen(bus)).as("fast path open").isTrue();
            final Recorder<Connection> witness = new Recorder<>();
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            assertThat(bus.set(Connection.CONNECTED)).isEqualTo(3);
            assertThat(bus.compareAndSet(Connection.CONNECTED, Connection.CONNECTED)).isTrue();
            assertThat(bus.latestSequence()).isEqualTo(4);
            sub.poll(witness, 10);
            assertThat(witness.transitions).map(Transition::toString).containsExactly(
                "#3 CONNECTED -> CONNECTED", "#4 CONNECTED -> CONNECTED");
        }
    }

    /**
     * A timed set that gave up on a full ring (the full path) changed nothing, also for the owner's fast path after
     * it: its next compare and its next transition's {@code from} are the ring's state, not the one it gave up on.
     */
    @Test
    void aTimedSetThatGaveUpLeavesTheOwnersNextCallsAtTheRingsState() throws Exception
    {
        try (StateBus<Connection> bus = busOnItsFastPath())
        {
            final Subscription<Connection> behind = bus.subscribe(Policy.BLOCK);
            for (long sequence = 3; sequence < 3 + 64; sequence++)
            {
                bus.set(TestStates.cycleAt(sequence));
            }
            assertThat(bus.get()).isEqualTo(Connection.CONNECTING);
            assertThat(bus.trySet(Connection.CLOSED, 20, TimeUnit.MILLISECONDS)).as("a ring behind: times out")
                .isFalse();
            behind.close(); // holds the owner back no more
            final Recorder<Connection> witness = new Recorder<>();
            final Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            assertThat(bus.compareAndSet(Connection.CLOSED, Connection.DISCONNECTED)).as("CLOSED never was the state")
                .isFalse();
            assertThat(bus.set(Connection.CLOSING)).isEqualTo(67);
            sub.poll(witness, 10);
            assertThat(witness.transitions).map(Transition::toString).containsExactly("#67 CONNECTING -> CLOSING");
        }
    }

    /** Whether the owner's next publish may take the fast path; a multi-producer bus has none. */
    private static boolean fastPathOpen(final StateBus<?> bus)
    {
        return bus.producer() instanceof SingleProducer<?> && ((SingleProducer<?>)bus.producer()).fastPathOpen();
    }
}
