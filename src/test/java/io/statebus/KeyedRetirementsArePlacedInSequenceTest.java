package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.statebus.Connection.CLOSED;
import static io.statebus.Connection.CONNECTED;
import static io.statebus.Connection.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A key retired with {@code retire(key)} publishes no transition, but {@link KeyedStateBus#retirements()} places it
 * between the two transitions it came between: a reader that applies each retirement before the transitions after
 * it rebuilds the bus's key table at every sequence (never more than {@code maxKeys} keys, as a mirror must not
 * hold), on a mirror's bus as on a source's; a reader more than the log behind counts exactly what it missed, and
 * never reads an entry half overwritten.
 */
@Timeout(60)
final class KeyedRetirementsArePlacedInSequenceTest
{
    @Test
    void eachRetirementComesWithTheSequenceItFollowsAndTheKeysLatest()
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).maxKeys(8).build())
        {
            bus.open(1, DISCONNECTED); // #1
            final RetiredKeys retired = bus.retirements();
            bus.open(2, DISCONNECTED); // #2
            bus.set(1, CONNECTED); // #3
            bus.retire(2);
            bus.retire(1);
            bus.open(2, CONNECTED); // #4
            assertThat(retired.nextAfter()).isEqualTo(3);
            assertThat(retired.key()).isEqualTo(2);
            assertThat(retired.knownAt()).isEqualTo(2);
            retired.advance();
            assertThat(retired.nextAfter()).isEqualTo(3);
            assertThat(retired.key()).isEqualTo(1);
            assertThat(retired.knownAt()).isEqualTo(3);
            retired.advance();
            assertThat(retired.nextAfter()).isEqualTo(RetiredKeys.NONE);
            assertThatThrownBy(retired::key).isInstanceOf(IllegalStateException.class);
            assertThat(bus.retirements().nextAfter()).as("a new reader starts after them").isEqualTo(RetiredKeys.NONE);
            bus.set(2, CLOSED); // a transition, not a retirement (no retireOn: the key stays open)
            bus.retire(2);
            assertThat(retired.nextAfter()).isEqualTo(5);
            assertThat(retired.missed()).isZero();
        }
    }

    @Test
    void aMirrorsBusRecordsTheRetirementsItIsTold()
    {
        final KeyedMirror<Connection> mirror = KeyedStateBus.builder(Connection.class).maxKeys(8).buildMirror(0, 0);
        try (KeyedStateBus<Connection> bus = mirror.bus())
        {
            final RetiredKeys retired = bus.retirements();
            mirror.append(1, 7, DISCONNECTED, DISCONNECTED, 0);
            mirror.append(2, 8, DISCONNECTED, DISCONNECTED, 0);
            assertThat(mirror.retire(7, 1)).isTrue();
            assertThat(mirror.retire(8, 1)).as("its latest is #2: reopened since").isFalse();
            assertThat(retired.nextAfter()).isEqualTo(2);
            assertThat(retired.key()).isEqualTo(7);
            assertThat(retired.knownAt()).isEqualTo(1);
            retired.advance();
            assertThat(retired.nextAfter()).isEqualTo(RetiredKeys.NONE);
        }
    }

    /** A resync that drops keys retires them as the source did: in the log, at the sequence it describes. */
    @Test
    void aMirrorsResyncRecordsTheKeysItRemoves()
    {
        final KeyedMirror<Connection> mirror = KeyedStateBus.builder(Connection.class).maxKeys(8).buildMirror(0, 0);
        try (KeyedStateBus<Connection> bus = mirror.bus())
        {
            final RetiredKeys retired = bus.retirements();
            mirror.append(1, 7, DISCONNECTED, DISCONNECTED, 0);
            mirror.append(2, 8, DISCONNECTED, DISCONNECTED, 0);
            mirror.append(3, 9, DISCONNECTED, DISCONNECTED, 0);
            mirror.resync(3, new long[] {9, 8}, List.of(DISCONNECTED, DISCONNECTED));
            assertThat(retired.nextAfter()).isEqualTo(3);
            assertThat(retired.key()).isEqualTo(7);
            assertThat(retired.knownAt()).isEqualTo(1);
            retired.advance();
            assertThat(retired.nextAfter()).as("only key 7 left the table").isEqualTo(RetiredKeys.NONE);
            assertThat(bus.isOpen(7)).isFalse();
            assertThat(bus.openKeys()).isEqualTo(2);
        }
    }

    @Test
    void aReaderFurtherBehindThanTheLogCountsWhatItMissed()
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).maxKeys(4).build())
        {
            final RetiredKeys retired = bus.retirements();
            final int total = 3 * retired.logSize() + 5;
            for (int key = 0; key < total; key++)
            {
                bus.open(key, DISCONNECTED);
                bus.retire(key);
            }
            final List<Long> read = new ArrayList<>();
            while (retired.nextAfter() != RetiredKeys.NONE)
            {
                read.add(retired.key());
                retired.advance();
            }
            assertThat(retired.missed() + read.size()).isEqualTo(total);
            assertThat(read).hasSize(retired.logSize() - 1); // the oldest one kept may be being overwritten
            assertThat(read.get(read.size() - 1)).isEqualTo(total - 1);
        }
    }

    @Test
    void aLappedReaderRacingTheWriterNeverReadsAHalfWrittenEntry() throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).maxKeys(2)
            .producerMode(ProducerMode.SINGLE).build())
        {
            final RetiredKeys retired = bus.retirements();
            final int total = 2_000_000;
            final AtomicBoolean done = new AtomicBoolean();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread producer = new Thread(() ->
            {
                try
                {
                    for (int i = 0; i < total; i++)
                    {
                        final long key = bus.latestSequence() + 1; // the sequence its opening gets
                        bus.open(key, DISCONNECTED);
                        bus.retire(key); // logged as (key, known at key, after key): any mix of two entries shows
                    }
                }
                catch (final Throwable t)
                {
                    failure.set(t);
                }
                done.set(true);
            });
            producer.start();
            long read = 0;
            long last = 0;
            while (!done.get() || retired.nextAfter() != RetiredKeys.NONE)
            {
                final long after = retired.nextAfter();
                if (after == RetiredKeys.NONE)
                {
                    Thread.onSpinWait();
                    continue;
                }
                assertThat(retired.key()).isEqualTo(after).isGreaterThan(last);
                assertThat(retired.knownAt()).isEqualTo(after);
                last = after;
                read++;
                retired.advance();
            }
            producer.join();
            assertThat(failure.get()).isNull();
            assertThat(read + retired.missed()).isEqualTo(total);
        }
    }

    @Test
    void retirementsAndTransitionsTogetherRebuildTheTableAtEverySequence() throws Exception
    {
        final int maxKeys = 16;
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).capacity(16).maxKeys(maxKeys)
            .retireOn(CLOSED).producerMode(ProducerMode.SINGLE).build())
        {
            final KeyedSubscription<Connection> subscription = bus.subscribe(Policy.BLOCK);
            final RetiredKeys retired = bus.retirements();
            final int steps = 200_000;
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread producer = new Thread(() -> churn(bus, maxKeys, steps, failure));
            producer.start();
            final Map<Long, Connection> model = new HashMap<>();
            final long[] largest = new long[1];
            final KeyedTransitionHandler<Connection> rebuild = new KeyedTransitionHandler<>()
            {
                @Override
                public void onTransition(final KeyedTransition<Connection> t, final boolean endOfBatch)
                {
                    while (retired.nextAfter() < t.sequence()) // those before it, as a mirror must apply them
                    {
                        assertThat(model.remove(retired.key())).as("retired key %d", retired.key()).isNotNull();
                        retired.advance();
                    }
                    final Connection before = model.put(t.key(), t.to());
                    assertThat(before).as("key %d at #%d", t.key(), t.sequence())
                        .isEqualTo(t.from() == t.to() ? null : t.from());
                    largest[0] = Math.max(largest[0], model.size());
                    assertThat(model.size()).as("keys at #%d", t.sequence()).isLessThanOrEqualTo(maxKeys);
                    if (t.to() == CLOSED)
                    {
                        model.remove(t.key());
                    }
                }
            };
            int polled;
            do
            {
                polled = subscription.poll(rebuild, 64);
            }
            while (producer.isAlive() || polled > 0);
            producer.join();
            assertThat(failure.get()).isNull();
            while (retired.nextAfter() != RetiredKeys.NONE) // retirements after the last transition
            {
                model.remove(retired.key());
                retired.advance();
            }
            final Map<Long, Connection> table = new HashMap<>();
            bus.forEachOpenKey((key, state, sequence) -> table.put(key, state));
            assertThat(model).isEqualTo(table);
            assertThat(largest[0]).isEqualTo(maxKeys);
            assertThat(retired.missed()).isZero();
        }
    }

    /** A full table kept full: each step retires a key (explicitly, or by closing it) and opens a new one. */
    private static void churn(final KeyedStateBus<Connection> bus, final int maxKeys, final int steps,
        final AtomicReference<Throwable> failure)
    {
        try
        {
            final SplittableRandom random = new SplittableRandom(42);
            final long[] live = new long[maxKeys];
            long nextKey = 0;
            for (int i = 0; i < maxKeys; i++)
            {
                live[i] = nextKey++;
                bus.open(live[i], DISCONNECTED);
            }
            for (int step = 0; step < steps; step++)
            {
                final int i = random.nextInt(maxKeys);
                switch (random.nextInt(3))
                {
                    case 0 -> bus.retire(live[i]);
                    case 1 -> bus.set(live[i], CLOSED);
                    default ->
                    {
                        bus.set(live[i], bus.get(live[i]) == CONNECTED ? DISCONNECTED : CONNECTED);
                        continue;
                    }
                }
                live[i] = nextKey++;
                bus.open(live[i], DISCONNECTED);
            }
        }
        catch (final Throwable t)
        {
            failure.set(t);
        }
    }
}
