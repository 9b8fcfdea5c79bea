package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guarantees 4 and 8 for a {@link ValueStateBus}: a {@link Policy#BLOCK} subscription a whole ring behind holds the
 * producer back (a timed set gives up changing nothing; a set waits and loses nothing), and closing releases a
 * waiting producer with {@link StateBusClosedException}, while a poller still receives everything published
 * before, then the exception.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ValuesBackPressureAndClosingTest
{
    @Test
    void aFullRingHoldsTheProducerWithoutLoss() throws Exception
    {
        try (ValueStateBus<Tick> bus = StateBus.valueBuilder(new Tick(0)).capacity(2).build())
        {
            final Subscription<Tick> slow = bus.subscribe(Policy.BLOCK);
            bus.set(new Tick(1));
            bus.set(new Tick(2));
            assertThat(bus.trySet(new Tick(3), Duration.ofMillis(20))).isFalse(); // full: nothing changed
            assertThat(bus.get()).isEqualTo(new Tick(2));
            assertThat(bus.latestSequence()).isEqualTo(2);

            final Thread producer = new Thread(() ->
            {
                for (long s = 3; s <= 200; s++)
                {
                    bus.set(new Tick(s));
                }
            }, "producer");
            producer.start();
            final ValueChainCheck check = new ValueChainCheck(slow, true);
            TestAwait.until(() ->
            {
                slow.poll(check, 1);
                return check.position == 200;
            }, "every transition");
            TestAwait.ended(producer);
            assertThat(check.verdict()).isEqualTo("clean");
            assertThat(check.delivered).isEqualTo(200);
            assertThat(bus.producerWaits()).isPositive();
        }
    }

    @Test
    void closingReleasesAWaitingProducerAndDrainsThePoller() throws Exception
    {
        final ValueStateBus<Tick> bus = StateBus.valueBuilder(new Tick(0)).capacity(2).build();
        final Subscription<Tick> slow = bus.subscribe(Policy.BLOCK);
        bus.set(new Tick(1));
        bus.set(new Tick(2));
        final AtomicReference<Throwable> released = new AtomicReference<>();
        final Thread producer = new Thread(() ->
        {
            try
            {
                bus.set(new Tick(3));
            }
            catch (final Throwable ex)
            {
                released.set(ex);
            }
        }, "blocked-producer");
        producer.start();
        // the wait is counted when it ends; while it lasts, the producer parks in its idle strategy
        TestAwait.until(() -> producer.getState() == Thread.State.TIMED_WAITING, "the producer waiting");
        bus.close();
        TestAwait.ended(producer);
        assertThat(released.get()).isInstanceOf(StateBusClosedException.class);
        assertThat(bus.get()).isEqualTo(new Tick(2));

        final List<Tick> seen = new ArrayList<>();
        assertThat(slow.poll((t, end) -> seen.add(t.to()), 8)).isEqualTo(2);
        assertThat(seen).containsExactly(new Tick(1), new Tick(2));
        assertThatThrownBy(() -> slow.poll((t, end) -> { }, 8)).isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> bus.awaitNotNull(Duration.ofSeconds(1))).isInstanceOf(StateBusClosedException.class);
    }
}
