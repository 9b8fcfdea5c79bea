package io.statebus.aeron;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A keyed bridge's {@link KeyShadow} holds exactly the keys, states and sequences a plain map would, through opens,
 * changes, retirements by a final state and by {@code retire(key)} (backward-shift removal in a crowded table), and
 * is exact only once every key seeded as unknown has been learnt from the stream.
 */
class KeyShadowMatchesAModelTest
{
    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void randomOpensChangesAndRetirementsLeaveTheModelsKeys()
    {
        final int maxKeys = 64;
        final KeyShadow shadow = new KeyShadow(maxKeys);
        final Map<Long, long[]> model = new HashMap<>(); // key -> {state, sequence}
        final SplittableRandom random = new SplittableRandom(17);
        for (long sequence = 1; sequence <= 50_000; sequence++)
        {
            // up to 64 live keys of 128 in a table of 128 slots: half full, so probe runs are long and removals
            // shift keys back
            final long key = 1_000_003L * random.nextInt(2 * maxKeys);
            final int state = random.nextInt(4);
            if (model.containsKey(key) && random.nextInt(8) == 0)
            {
                shadow.removeAt(slotOf(shadow, key)); // retire(key): no transition
                model.remove(key);
            }
            else if (model.containsKey(key) || model.size() < maxKeys)
            {
                final boolean retires = random.nextInt(6) == 0;
                shadow.apply(key, state, retires, sequence);
                if (retires)
                {
                    model.remove(key);
                }
                else
                {
                    model.put(key, new long[] {state, sequence});
                }
            }
            assertSame(shadow, model);
        }
        assertThat(shadow.isExact(50_000)).isTrue();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void keysSeededAfterThePositionAreUnknownUntilTheStreamShowsThem()
    {
        final KeyShadow shadow = new KeyShadow(8);
        shadow.seed(1, 2, 5, 10);  // known at the bridge's position 10
        shadow.seed(2, 3, 12, 10); // changed after it: unknown
        shadow.seedFrom(12);
        assertThat(shadow.isExact(12)).isFalse();
        assertThat(shadow.stateAt(slotOf(shadow, 2))).isEqualTo(-1);
        shadow.apply(2, 1, false, 11); // the stream shows key 2 at 11
        assertThat(shadow.isExact(11)).isFalse(); // the seeding read up to 12
        assertThat(shadow.isExact(12)).isTrue();
        assertThat(shadow.stateAt(slotOf(shadow, 2))).isEqualTo(1);
        assertThat(shadow.stateAt(slotOf(shadow, 1))).isEqualTo(2);
        assertThat(shadow.sequenceAt(slotOf(shadow, 1))).isEqualTo(5);
        shadow.clear();
        assertThat(shadow.size()).isZero();
        assertThat(slotOf(shadow, 1)).isEqualTo(-1);
    }

    private static int slotOf(final KeyShadow shadow, final long key)
    {
        for (int slot = 0; slot < shadow.slots(); slot++)
        {
            if (shadow.isUsed(slot) && shadow.keyAt(slot) == key)
            {
                return slot;
            }
        }
        return -1;
    }

    private static void assertSame(final KeyShadow shadow, final Map<Long, long[]> model)
    {
        int used = 0;
        for (int slot = 0; slot < shadow.slots(); slot++)
        {
            if (shadow.isUsed(slot))
            {
                used++;
                final long[] expected = model.get(shadow.keyAt(slot));
                assertThat(expected).as("key %d", shadow.keyAt(slot)).isNotNull();
                assertThat(shadow.stateAt(slot)).isEqualTo((int)expected[0]);
                assertThat(shadow.sequenceAt(slot)).isEqualTo(expected[1]);
            }
        }
        assertThat(used).isEqualTo(model.size());
        assertThat(shadow.size()).isEqualTo(model.size());
    }
}
