package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input on a {@link ValueStateBus}: each is a clear exception that changes nothing (the value and the latest
 * sequence stay as they were), and equality is {@link Object#equals}: an equal copy is unchanged, a compare-and-set
 * matches an equal copy.
 */
@Timeout(30)
class ValuesBadInputTest
{
    @Test
    void nullIsRefusedUnlessTheBuilderAllowsIt()
    {
        try (ValueStateBus<String> bus = StateBus.valueBuilder("up").build())
        {
            assertThatThrownBy(() -> bus.set(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("nullable(true)");
            assertThatThrownBy(() -> bus.compareAndSet("up", null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> bus.trySet(null, Duration.ZERO)).isInstanceOf(NullPointerException.class);
            assertThat(bus.get()).isEqualTo("up");
            assertThat(bus.latestSequence()).isZero();
            assertThat(bus.isNullable()).isFalse();
        }
        assertThatThrownBy(() -> StateBus.<String>valueBuilder(null).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nullable(true)");
    }

    @Test
    void anAwaitForNullOnABusThatCannotHoldItIsRefusedAndLeavesNothingSubscribed()
    {
        try (ValueStateBus<String> bus = StateBus.valueBuilder("up").build())
        {
            // null can never be this bus's value: waiting for it would only ever time out
            assertThatThrownBy(() -> bus.await((String)null, Duration.ofSeconds(1)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("nullable(true)");
            assertThatThrownBy(() -> bus.awaitAsync((String)null, Duration.ofSeconds(1)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("nullable(true)");
            assertThatThrownBy(() -> bus.prepareAwait((String)null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("nullable(true)");
            assertThat(bus.subscriptionCount()).isZero();
        }
        try (ValueStateBus<String> bus = StateBus.<String>valueBuilder(null).nullable(true).build())
        {
            try (PendingAwait<String> none = bus.prepareAwait((String)null))
            {
                assertThat(bus.subscriptionCount()).isOne();
            }
        }
    }

    @Test
    void aNullableBusHoldsNullAsAnyOtherValue()
    {
        try (ValueStateBus<String> bus = StateBus.<String>valueBuilder(null).nullable(true).build())
        {
            final Subscription<String> sub = bus.subscribe(Policy.BLOCK);
            assertThat(sub.joinState()).isNull();
            assertThat(bus.set(null)).isEqualTo(ValueStateBus.NOT_PUBLISHED);
            assertThat(bus.set("known")).isEqualTo(1);
            assertThat(bus.compareAndSet(null, "other")).isFalse();
            assertThat(bus.compareAndSet("known", null)).isTrue();
            final StringBuilder seen = new StringBuilder();
            TestAwait.drain(sub, (t, end) -> seen.append(t.from()).append("->").append(t.to()).append(' '));
            assertThat(seen.toString().trim()).isEqualTo("null->known known->null");
        }
    }

    @Test
    void equalityIsEqualsNotIdentity()
    {
        try (ValueStateBus<Tick> bus = StateBus.valueBuilder(new Tick(1)).build())
        {
            assertThat(bus.set(new Tick(1))).isEqualTo(ValueStateBus.NOT_PUBLISHED);
            assertThat(bus.compareAndSet(new Tick(1), new Tick(2))).isTrue();
            assertThat(bus.compareAndSet(new Tick(1), new Tick(3))).isFalse();
            assertThat(bus.get()).isEqualTo(new Tick(2));
            assertThat(bus.latestSequence()).isEqualTo(1);
        }
        try (ValueStateBus<Tick> bus = StateBus.valueBuilder(new Tick(1)).publishUnchanged(true).build())
        {
            assertThat(bus.set(new Tick(1))).isEqualTo(1); // published as tick1 -> tick1
        }
    }

    @Test
    void anEqualsThatThrowsChangesNothing()
    {
        final class Touchy
        {
            @Override
            public boolean equals(final Object o)
            {
                throw new IllegalStateException("touchy");
            }

            @Override
            public int hashCode()
            {
                return 0;
            }
        }
        final Touchy first = new Touchy();
        try (ValueStateBus<Object> bus = StateBus.<Object>valueBuilder(first).build())
        {
            final Subscription<Object> sub = bus.subscribe(Policy.BLOCK);
            assertThatThrownBy(() -> bus.set("next")).hasMessage("touchy");
            assertThat(bus.get()).isSameAs(first);
            assertThat(bus.latestSequence()).isZero();
            assertThat(sub.poll((t, end) -> { }, 8)).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(ProducerMode.class)
    void aClosedBusRefusesEverySetAndSubscribe(final ProducerMode mode)
    {
        final ValueStateBus<String> bus = StateBus.valueBuilder("a").producerMode(mode).build();
        bus.close();
        assertThatThrownBy(() -> bus.set("b")).isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> bus.compareAndSet("a", "b")).isInstanceOf(StateBusClosedException.class);
        // one that would fail on an open bus too: still the closed error, not false
        assertThatThrownBy(() -> bus.compareAndSet("z", "b")).isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> bus.subscribe(Policy.GAP)).isInstanceOf(StateBusClosedException.class);
        assertThat(bus.get()).isEqualTo("a");
        assertThat(bus.isClosed()).isTrue();
    }

    @Test
    void aSingleProducerBusRefusesASecondThread() throws Exception
    {
        try (ValueStateBus<String> bus = StateBus.valueBuilder("a").producerMode(ProducerMode.SINGLE).build())
        {
            bus.set("b");
            final AtomicReference<Throwable> refused = new AtomicReference<>();
            final Thread other = new Thread(() ->
            {
                try
                {
                    bus.set("c");
                }
                catch (final Throwable ex)
                {
                    refused.set(ex);
                }
            }, "second");
            other.start();
            TestAwait.ended(other);
            assertThat(refused.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("owns it");
            assertThat(bus.get()).isEqualTo("b");
            assertThat(bus.latestSequence()).isEqualTo(1);
        }
    }

    @Test
    void aReplayOutsideTheRingIsRefused()
    {
        try (ValueStateBus<Tick> bus = StateBus.valueBuilder(new Tick(0)).capacity(4).build())
        {
            for (long s = 1; s <= 10; s++)
            {
                bus.set(new Tick(s));
            }
            assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK, 2)).isInstanceOf(ReplayUnavailableException.class);
            assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK, 12)).isInstanceOf(ReplayUnavailableException.class);
            assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(bus.subscriptionCount()).isZero();
        }
    }
}
