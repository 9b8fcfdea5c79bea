package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 3 for a {@link ValueStateBus}: the ring keeps a value reachable only while a slot holds it (at most its
 * last {@code capacity} transitions' values), so heap does not grow with the number of transitions. Values that
 * every slot has moved past are collected; those the ring still holds, and the current one, are not.
 */
@Timeout(60)
class ValuesMemoryIsBoundedTest
{
    @Test
    void valuesTheRingNoLongerHoldsAreCollected()
    {
        final List<WeakReference<Object>> published = new ArrayList<>();
        try (ValueStateBus<Object> bus = StateBus.<Object>valueBuilder(new Object()).capacity(4).build())
        {
            for (int i = 1; i <= 20; i++)
            {
                final Object value = new byte[1024];
                published.add(new WeakReference<>(value));
                bus.set(value);
            }
            // sequences 17..20 are in the ring: their from and to are the values of 16..20
            for (int attempt = 0; attempt < 20 && published.get(14).get() != null; attempt++)
            {
                System.gc(); // a hint; repeated until the first value the ring let go of is collected, or given up
            }
            for (int i = 1; i <= 15; i++)
            {
                assertThat(published.get(i - 1).get()).as("value of sequence %d", i).isNull();
            }
            for (int i = 16; i <= 20; i++)
            {
                assertThat(published.get(i - 1).get()).as("value of sequence %d, still in the ring", i).isNotNull();
            }
            assertThat(bus.get()).isSameAs(published.get(19).get());
        }
    }
}
