package io.statebus;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keyed bus, guarantees 1 and 2 per key: every subscription sees every transition of every key (or of the keys its
 * filter admits) in one global order with no gap under BLOCK, and each key's chain is kept: its first transition
 * opens it ({@code initial -> initial}), each later one starts where the previous one of the same key ended —
 * for a poller, a key-filtered poller, a handler thread, and an executor subscription with and without a filter.
 */
@Timeout(60)
final class KeyedChainPerKeyTest
{
    private static final int KEYS = 100;
    private static final int CHANGES = 100_000;

    /**
     * A keyed subscription tells its join point (the first transition it receives is the one after it), a handler
     * subscription its thread, and the bus how many subscriptions are open, as the other buses' do.
     */
    @org.junit.jupiter.api.Test
    void aSubscriptionTellsItsJoinPointAndHandlerThreadAndTheBusCountsIt() throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).capacity(64).maxKeys(4).build())
        {
            bus.open(1, Connection.DISCONNECTED);
            bus.set(1, Connection.CONNECTING);
            final KeyedSubscription<Connection> poller = bus.subscribe(Policy.BLOCK);
            final List<Long> seen = new ArrayList<>();
            final KeyedSubscription<Connection> onThread = bus.subscribe(Policy.BLOCK, (t, end) -> { });
            assertThat(poller.joinSequence()).isEqualTo(2);
            assertThat(poller.handlerThread()).isNull();
            assertThat(onThread.handlerThread()).isNotNull();
            assertThat(bus.subscriptionCount()).isEqualTo(2);
            bus.set(1, Connection.CONNECTED);
            poller.poll((t, end) -> seen.add(t.sequence()), 16);
            assertThat(seen).containsExactly(poller.joinSequence() + 1);
            onThread.close();
            onThread.handlerThread().join(10_000);
            assertThat(onThread.handlerThread().isAlive()).isFalse();
            poller.close();
            assertThat(bus.subscriptionCount()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void everyKeysChainIsCompleteForAPollerAHandlerThreadAndAFilteredSubscription(final ProducerMode mode)
        throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).capacity(64).producerMode(mode)
            .maxKeys(KEYS).build())
        {
            final ChainCheck polled = new ChainCheck(false);
            final ChainCheck onThread = new ChainCheck(false);
            final ChainCheck evenOnly = new ChainCheck(true);
            final KeyedSubscription<Connection> poller = bus.subscribe(Policy.BLOCK);
            final KeyedSubscription<Connection> filtered = bus.subscribe(Policy.BLOCK, key -> (key & 1) == 0);
            final KeyedSubscription<Connection> handler = bus.subscribe(Policy.BLOCK, onThread);
            final ChainCheck onExecutor = new ChainCheck(false);
            final java.util.concurrent.ExecutorService executor = java.util.concurrent.Executors.newSingleThreadExecutor();
            final KeyedSubscription<Connection> executed = bus.subscribe(Policy.BLOCK, onExecutor, executor);
            final ChainCheck evenOnExecutor = new ChainCheck(true);
            final KeyedSubscription<Connection> executedEven =
                bus.subscribe(Policy.BLOCK, key -> (key & 1) == 0, evenOnExecutor, executor);
            final long[] changes = new long[KEYS];
            final AtomicReference<Throwable> failed = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    final SplittableRandom random = new SplittableRandom(5);
                    for (int k = 0; k < KEYS; k++)
                    {
                        bus.open(1_000 + k, Connection.DISCONNECTED);
                    }
                    for (int i = 0; i < CHANGES; i++)
                    {
                        final int k = random.nextInt(KEYS);
                        bus.set(1_000 + k, TestStates.cycleAt(++changes[k]));
                    }
                }
                catch (final Throwable ex)
                {
                    failed.set(ex);
                }
            }, "producer");
            producer.start();
            final long total = KEYS + CHANGES;
            TestAwait.until(() ->
            {
                poller.poll(polled, 256);
                filtered.poll(evenOnly, 256);
                return (poller.position() == total && filtered.position() == total) || failed.get() != null;
            }, "both polled subscriptions have everything");
            TestAwait.ended(producer);
            assertThat(failed.get()).isNull();
            TestAwait.until(() -> handler.position() == total, "the handler thread has everything");
            TestAwait.until(() -> executed.position() == total && executedEven.position() == total,
                "the executor subscriptions have everything");
            handler.close();
            executed.close();
            executedEven.close();
            executor.shutdown();
            assertThat(executor.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            for (final ChainCheck check : List.of(polled, onThread, evenOnly, onExecutor, evenOnExecutor))
            {
                assertThat(check.wrong).isEmpty();
                for (int k = 0; k < KEYS; k++)
                {
                    if (!check.evenOnly || (k & 1) == 0)
                    {
                        assertThat(check.changes[k]).as("key %d", 1_000 + k).isEqualTo(changes[k]);
                    }
                }
            }
            assertThat(evenOnly.received).isLessThan(polled.received);
            assertThat(evenOnExecutor.received).isEqualTo(evenOnly.received);
            for (int k = 0; k < KEYS; k++)
            {
                assertThat(bus.get(1_000 + k)).isEqualTo(TestStates.cycleAt(changes[k]));
            }
        }
    }

    /**
     * A key filter skips transitions, but not the end of a batch: the last admitted transition of a batch says it
     * ends it, also when the batch ends on a skipped one (a handler that flushes at the end of a batch would
     * otherwise hold its work until another key's traffic happened to end a batch on one of its keys).
     */
    @org.junit.jupiter.api.Test
    void aFilteredSubscriptionsLastAdmittedTransitionEndsItsBatch() throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).capacity(64).build())
        {
            final List<String> block = new ArrayList<>();
            final List<String> gap = new ArrayList<>();
            final List<String> onThread = new java.util.concurrent.CopyOnWriteArrayList<>();
            final KeyedSubscription<Connection> blocking = bus.subscribe(Policy.BLOCK, key -> key == 1);
            final KeyedSubscription<Connection> lapping = bus.subscribe(Policy.GAP, key -> key == 1);
            final KeyedSubscription<Connection> handler = bus.subscribe(Policy.BLOCK, key -> key == 1,
                (t, end) -> onThread.add(t.sequence() + ":" + end));
            bus.open(1, Connection.DISCONNECTED);
            bus.open(2, Connection.DISCONNECTED);
            bus.set(1, Connection.CONNECTING);
            bus.set(2, Connection.CONNECTING); // every batch below ends on key 2
            blocking.poll((t, end) -> block.add(t.sequence() + ":" + end), 2);
            blocking.poll((t, end) -> block.add(t.sequence() + ":" + end), 10);
            lapping.poll((t, end) -> gap.add(t.sequence() + ":" + end), 10);
            assertThat(block).containsExactly("1:true", "3:true");
            assertThat(gap).containsExactly("1:false", "3:true");
            TestAwait.until(() -> handler.position() == 4, "the handler thread consumed everything");
            assertThat(onThread).as("its last batch ended on key 2").endsWith("3:true");
        }
    }

    /**
     * Two producers race on the same four keys of a MULTI bus, each doing at random open, set, compareAndSet,
     * retire and a final state (which retires), most refused (not open, open already, table full). Replayed with
     * the explicit retirements ({@link KeyedStateBus#retirements()}) placed between the transitions, every
     * transition is legal in one global order: an opening ({@code initial -> initial}) only of a key not open, a
     * change only of an open key and from its state, no sequence skipped; and at the end the table agrees.
     */
    @org.junit.jupiter.api.Test
    void twoProducersRacingOpenSetCompareAndRetireOnTheSameKeysKeepEveryChain() throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).capacity(32).maxKeys(3)
            .retireOn(Connection.CLOSED).build())
        {
            final KeyedSubscription<Connection> sub = bus.subscribe(Policy.BLOCK);
            final RetiredKeys retired = bus.retirements(); // at most 32 + 3 ahead of the poller: its log keeps 64
            final AtomicReference<Throwable> failed = new AtomicReference<>();
            final Thread[] producers = {racer(bus, 1, failed), racer(bus, 2, failed)};
            final Connection[] model = new Connection[4];
            final List<String> wrong = new ArrayList<>();
            final long[] last = {0};
            final KeyedTransitionHandler<Connection> replay = (t, end) ->
            {
                for (; retired.nextAfter() < t.sequence(); retired.advance())
                {
                    model[(int)retired.key()] = null;
                }
                final int k = (int)t.key();
                if (t.sequence() != last[0] + 1 || (t.from() == t.to()) != (model[k] == null) ||
                    (model[k] != null && model[k] != t.from()))
                {
                    wrong.add(t + " after " + last[0] + ", key " + k + " was " + model[k]);
                }
                last[0] = t.sequence();
                model[k] = t.to() == Connection.CLOSED ? null : t.to();
            };
            TestAwait.until(() -> sub.poll(replay, 256) == 0 && !producers[0].isAlive() && !producers[1].isAlive() &&
                sub.position() == bus.latestSequence(), "the producers ended and everything was replayed");
            for (; retired.nextAfter() != RetiredKeys.NONE; retired.advance())
            {
                model[(int)retired.key()] = null;
            }
            assertThat(failed.get()).isNull();
            assertThat(wrong).isEmpty();
            assertThat(retired.missed()).isZero();
            for (int k = 0; k < 4; k++)
            {
                assertThat(bus.isOpen(k) ? bus.get(k) : null).as("key %d", k).isEqualTo(model[k]);
            }
        }
    }

    private static Thread racer(final KeyedStateBus<Connection> bus, final int seed, final AtomicReference<Throwable> failed)
    {
        final Thread racer = new Thread(() ->
        {
            final SplittableRandom random = new SplittableRandom(seed);
            final Connection[] states = Connection.values();
            for (int i = 0; i < 100_000 && failed.get() == null; i++)
            {
                final long k = random.nextInt(4);
                try
                {
                    switch (random.nextInt(5))
                    {
                        case 0 -> bus.open(k, states[random.nextInt(4)]); // never opened in the final state
                        case 1 -> bus.retire(k);
                        case 2 -> bus.compareAndSet(k, states[random.nextInt(5)], states[random.nextInt(5)]);
                        default -> bus.set(k, states[random.nextInt(5)]);
                    }
                }
                catch (final IllegalArgumentException | IllegalStateException refused)
                {
                    // not open, open already, or the table full: refused, as the replay checks
                }
                catch (final Throwable ex)
                {
                    failed.set(ex);
                }
            }
        }, "racer-" + seed);
        racer.start();
        return racer;
    }

    /** Checks the global order and each key's chain against the cycle every key follows. */
    static final class ChainCheck implements KeyedTransitionHandler<Connection>
    {
        final boolean evenOnly;
        final long[] changes = new long[KEYS];
        final boolean[] opened = new boolean[KEYS];
        final List<String> wrong = new ArrayList<>();
        long lastSequence;
        long received;

        ChainCheck(final boolean evenOnly)
        {
            this.evenOnly = evenOnly;
        }

        @Override
        public void onTransition(final KeyedTransition<Connection> t, final boolean endOfBatch)
        {
            received++;
            final int k = (int)(t.key() - 1_000);
            if (t.sequence() <= lastSequence || k < 0 || k >= KEYS || (evenOnly && (k & 1) != 0))
            {
                wrong.add("out of order or not admitted: " + t);
                return;
            }
            if (!evenOnly && t.sequence() != lastSequence + 1)
            {
                wrong.add("a gap before " + t);
            }
            lastSequence = t.sequence();
            if (!opened[k])
            {
                opened[k] = true;
                if (t.from() != Connection.DISCONNECTED || t.to() != Connection.DISCONNECTED)
                {
                    wrong.add("not an opening: " + t);
                }
                return;
            }
            final long n = ++changes[k];
            if (t.from() != TestStates.cycleAt(n - 1) || t.to() != TestStates.cycleAt(n))
            {
                wrong.add("chain broken at " + t + ", change " + n + " of its key");
            }
        }
    }
}
