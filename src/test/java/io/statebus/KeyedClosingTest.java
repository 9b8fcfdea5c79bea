package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Keyed bus, guarantee 9: closing releases producers blocked on a full ring or on the lock, awaits and futures on
 * a key, handler threads and executor subscriptions, each with a clear exception; after it every call that would
 * change the key table is refused and changes nothing.
 */
@Timeout(60)
final class KeyedClosingTest
{
    @Test
    void closingReleasesBlockedProducersWaitingAwaitsAndEveryConsumer() throws Exception
    {
        final KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).capacity(2).build();
        bus.open(1, Connection.DISCONNECTED);
        bus.open(2, Connection.DISCONNECTED);
        final KeyedSubscription<Connection> neverPolled = bus.subscribe(Policy.BLOCK);
        final ExecutorService executor = Executors.newSingleThreadExecutor();
        final KeyedSubscription<Connection> onExecutor = bus.subscribe(Policy.BLOCK, (t, end) -> { }, executor);
        final KeyedSubscription<Connection> onThread = bus.subscribe(Policy.GAP, key -> key == 2, (t, end) -> { });
        final CompletableFuture<Transition<Connection>> future =
            bus.awaitAsync(2, s -> s == Connection.CLOSED, Duration.ofSeconds(50), executor);
        // the ring full before any thread starts: else the trySet or the open could take a free slot and return
        bus.set(1, Connection.CONNECTING);
        bus.set(1, Connection.DISCONNECTED);
        final List<Throwable> ended = Collections.synchronizedList(new ArrayList<>());
        final List<Thread> threads = List.of(
            endsWith(ended, () -> keepChanging(bus, 1)), // waits for the ring or for the lock
            endsWith(ended, () -> keepChanging(bus, 2)),
            endsWith(ended, () -> bus.trySet(2, Connection.CLOSED, Duration.ofSeconds(50))),
            endsWith(ended, () -> bus.open(3, Connection.CONNECTED)),
            endsWith(ended, () -> bus.await(1, Connection.CLOSED, Duration.ofSeconds(50))));
        threads.forEach(Thread::start);
        TestAwait.until(() -> neverPolled.lag() == 2 && threads.stream().allMatch(KeyedClosingTest::waits),
            "the ring full, and every thread waiting");
        bus.close();
        for (final Thread thread : threads)
        {
            TestAwait.ended(thread);
        }
        assertThat(ended).hasSize(threads.size()).allSatisfy(ex -> assertThat(ex)
            .isInstanceOf(StateBusClosedException.class).hasMessageContaining("closed"));
        assertThatThrownBy(() -> future.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(StateBusClosedException.class);
        TestAwait.until(() -> onThread.isClosed() && onExecutor.isClosed(), "the consumers ended");
        executor.shutdown();
        assertThat(executor.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void everyCallThatWouldChangeTheKeyTableIsRefusedAfterClose()
    {
        final KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).build();
        bus.open(1, Connection.CONNECTED);
        bus.close();
        final long published = bus.latestSequence();
        assertThatThrownBy(() -> bus.open(2, Connection.CONNECTED)).isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> bus.set(1, Connection.CLOSING)).isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> bus.compareAndSet(1, Connection.CONNECTED, Connection.CLOSING))
            .isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> bus.retire(1)).isInstanceOf(StateBusClosedException.class)
            .hasMessageContaining("key 1");
        assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK)).isInstanceOf(StateBusClosedException.class);
        assertThat(bus.latestSequence()).isEqualTo(published);
        assertThat(bus.isOpen(1)).isTrue();
        assertThat(bus.get(1)).isEqualTo(Connection.CONNECTED);
        assertThat(bus.openKeys()).isEqualTo(1);
    }

    @Test
    void everyCallThatWouldChangeAMirrorsKeyTableIsRefusedAfterClose()
    {
        final KeyedMirror<Connection> mirror = KeyedStateBus.builder(Connection.class).buildMirror(10, 0);
        mirror.seed(1, Connection.CONNECTED);
        mirror.close();
        assertThatThrownBy(() -> mirror.seed(2, Connection.CONNECTED)).isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> mirror.retire(1, 10)).isInstanceOf(StateBusClosedException.class)
            .hasMessageContaining("key 1");
        assertThatThrownBy(() -> mirror.resync(10, new long[] {3}, List.of(Connection.CLOSING)))
            .isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> mirror.append(11, 1, Connection.CONNECTED, Connection.CLOSING, 0))
            .isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> mirror.lostUpTo(20)).isInstanceOf(StateBusClosedException.class);
        final List<Long> open = new ArrayList<>();
        mirror.bus().forEachOpenKey((key, state, sequence) -> open.add(key));
        assertThat(open).containsExactly(1L);
        assertThat(mirror.bus().get(1)).isEqualTo(Connection.CONNECTED);
        assertThat(mirror.latestSequence()).isEqualTo(10);
    }

    private static Object keepChanging(final KeyedStateBus<Connection> bus, final long key)
    {
        for (int i = 0; ; i++)
        {
            bus.set(key, (i & 1) == 0 ? Connection.CONNECTING : Connection.DISCONNECTED);
        }
    }

    private static Thread endsWith(final List<Throwable> ended, final java.util.concurrent.Callable<?> call)
    {
        return new Thread(() ->
        {
            try
            {
                call.call();
                ended.add(new AssertionError("returned although the bus closed"));
            }
            catch (final Throwable ex)
            {
                ended.add(ex);
            }
        });
    }

    private static boolean waits(final Thread thread)
    {
        final Thread.State state = thread.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }
}
