package io.statebus.keys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The keyed bus's table of live keys (issue 16's building block): it agrees with a map under any mix of adds,
 * updates and retires, refuses a full table without changing anything, and a reader on another thread never
 * misses a live key or sees a state it did not have, while the writer retires and moves keys.
 */
@Timeout(60)
final class KeyTableTest
{
    /**
     * A pass over the live keys ({@link LiveKeys}) that retirements overlapped while it copied a chunk copies again
     * from the first slot a moved key may have crossed: none for retirements wholly behind or ahead of what it read,
     * the first slot of any that reached into the chunk or across a point it would keep, following one retirement's
     * moves into another's, and it starts again if the moves wrap past its first slot.
     */
    @Test
    void aPassCopiesAgainFromTheFirstSlotAMovedKeyMayHaveCrossed()
    {
        final int mask = 255;
        assertThat(LiveKeys.copyAgainFrom(ranges(2, 5), 0, mask, 32, 48)).as("wholly behind").isEqualTo(48);
        assertThat(LiveKeys.copyAgainFrom(ranges(100, 103), 0, mask, 32, 48)).as("wholly ahead").isEqualTo(48);
        assertThat(LiveKeys.copyAgainFrom(ranges(40, 44), 0, mask, 32, 48)).as("inside the chunk").isEqualTo(40);
        assertThat(LiveKeys.copyAgainFrom(ranges(45, 50), 0, mask, 32, 48)).as("across its end").isEqualTo(45);
        assertThat(LiveKeys.copyAgainFrom(ranges(28, 34), 0, mask, 32, 48)).as("across its start").isEqualTo(28);
        assertThat(LiveKeys.copyAgainFrom(ranges(10, 31, 30, 50), 0, mask, 32, 48))
            .as("a key moved into copied slots, then further back by a retirement wholly behind the chunk").isEqualTo(10);
        assertThat(LiveKeys.copyAgainFrom(ranges(110, 120), 100, mask, 0, 16)).as("offsets from the first slot")
            .isEqualTo(10);
        assertThat(LiveKeys.copyAgainFrom(ranges(190, 210), 200, mask, 64, 80)).as("wrapping past the first slot")
            .isEqualTo(-1);
    }

    private static long[] ranges(final int... firstAndLast)
    {
        final long[] ranges = new long[firstAndLast.length / 2];
        for (int i = 0; i < ranges.length; i++)
        {
            ranges[i] = (long)firstAndLast[2 * i] << 32 | firstAndLast[2 * i + 1];
        }
        return ranges;
    }

    @Test
    void itAgreesWithAMapUnderRandomAddsUpdatesAndRetires()
    {
        final int maxKeys = 1_000;
        final KeyTable table = new KeyTable(maxKeys);
        final Map<Long, Long> model = new HashMap<>();
        final SplittableRandom random = new SplittableRandom(11);
        for (long op = 1; op <= 400_000; op++)
        {
            // keys from a small range, some colliding on purpose: multiples of the table size share a home slot
            final long key = random.nextBoolean() ? random.nextInt(1_500) : (long)random.nextInt(64) << 20;
            final int slot = table.slotOf(key);
            assertThat(slot >= 0).isEqualTo(model.containsKey(key));
            if (slot < 0 && model.size() < maxKeys)
            {
                final long entry = KeyEntry.entry(op, (int)(op & 4095));
                table.add(key, entry);
                model.put(key, entry);
            }
            else if (slot >= 0 && random.nextInt(3) == 0)
            {
                table.remove(slot);
                model.remove(key);
            }
            else if (slot >= 0)
            {
                final long entry = KeyEntry.entry(op, 7);
                table.update(slot, entry);
                model.put(key, entry);
            }
            if (op % 50_000 == 0)
            {
                for (long k = 0; k < 1_500; k++)
                {
                    assertThat(table.entryOf(k)).isEqualTo(model.getOrDefault(k, KeyTable.ABSENT));
                }
                for (final Map.Entry<Long, Long> e : model.entrySet())
                {
                    assertThat(table.entryOf(e.getKey())).isEqualTo(e.getValue());
                }
            }
        }
        assertThat(table.size()).isEqualTo(model.size());
    }

    @Test
    void aFullTableRefusesANewKeyAndChangesNothing()
    {
        final KeyTable table = new KeyTable(3);
        for (long k = 1; k <= 3; k++)
        {
            table.add(k, KeyEntry.entry(k, 1));
        }
        assertThatThrownBy(() -> table.add(4, KeyEntry.entry(4, 1)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("full").hasMessageContaining("3");
        assertThat(table.size()).isEqualTo(3);
        assertThat(table.entryOf(4)).isEqualTo(KeyTable.ABSENT);
        table.remove(table.slotOf(2));
        table.add(4, KeyEntry.entry(4, 2));
        assertThat(KeyEntry.stateId(table.entryOf(4))).isEqualTo(2);
        assertThat(KeyEntry.sequence(table.entryOf(3))).isEqualTo(3);
        assertThatThrownBy(() -> new KeyTable(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneMillionLiveKeysTakeThirtyTwoMebibytes()
    {
        final KeyTable table = new KeyTable(1_000_000);
        for (long k = 0; k < 1_000_000; k++)
        {
            table.add(k * 7919, KeyEntry.entry(k, 1));
        }
        assertThat(table.entryOf(999_999L * 7919)).isEqualTo(KeyEntry.entry(999_999, 1));
        // two long arrays of 2^21 slots: 32 MiB (the bound for a million keys is 64 MiB with the ring)
        assertThat((table.pairs().length / 2)).isEqualTo(1 << 21);
        assertThat(2L * (table.pairs().length / 2) * Long.BYTES).isEqualTo(32L << 20);
    }

    /**
     * A writer puts a watched key behind another key of the same home slot, retires that one (so the watched key
     * moves back along its probe chain), then retires the watched key too, over and over; while the writer says the
     * watched key is live, a reader on another thread must find it with the entry it was given. Fails without the
     * version check (checked by removing it: the reader then misses the key in the middle of a move).
     */
    @Test
    void aConcurrentReaderNeverMissesALiveKeyWhileItMoves() throws Exception
    {
        final KeyTable table = new KeyTable(8); // 16 slots
        final long[] sameHome = keysWithHome(5, 16, 3);
        final long watched = sameHome[0];
        final AtomicLong liveSince = new AtomicLong(-1);
        final AtomicReference<String> wrong = new AtomicReference<>();
        final int rounds = 8_000_000;
        final Thread writer = new Thread(() ->
        {
            for (int round = 1; round <= rounds && wrong.get() == null; round++)
            {
                final long before = sameHome[1 + (round & 1)];
                table.add(before, KeyEntry.entry(round, 1));
                table.add(watched, KeyEntry.entry(round, 2)); // behind 'before' in the chain
                liveSince.set(round);
                table.remove(table.slotOf(before)); // the watched key moves back one slot
                liveSince.set(-1);
                table.remove(table.slotOf(watched));
            }
        }, "writer");
        writer.start();
        long checked = 0;
        while (writer.isAlive())
        {
            final long round = liveSince.get();
            if (round < 0)
            {
                continue;
            }
            final long entry = table.entryOf(watched);
            if (liveSince.get() == round)
            {
                checked++;
                if (entry != KeyEntry.entry(round, 2))
                {
                    wrong.set("round " + round + ": the live key read as " + entry);
                }
            }
        }
        writer.join(30_000);
        assertThat(writer.isAlive()).isFalse();
        assertThat(wrong.get()).isNull();
        assertThat(checked).isPositive();
    }

    private static long[] keysWithHome(final int home, final int slots, final int count)
    {
        final long[] found = new long[count];
        int n = 0;
        for (long k = 1; n < count; k++)
        {
            if (org.agrona.collections.Hashing.hash(k, slots - 1) == home)
            {
                found[n++] = k;
            }
        }
        return found;
    }
}
