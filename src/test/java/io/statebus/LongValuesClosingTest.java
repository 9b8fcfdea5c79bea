package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.statebus.LongChainCheck.valueAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guarantee 9 for a {@link LongStateBus}: {@code close()} is idempotent; afterwards publishing and subscribing
 * fail with {@link StateBusClosedException} and change nothing; a producer blocked on a full ring, a waiting await
 * and a handler thread are released; a poller receives what was published, then the exception. Nothing hangs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LongValuesClosingTest
{
    @ParameterizedTest(name = "{0}")
    @EnumSource(ProducerMode.class)
    void afterCloseEveryPublishFailsAndChangesNothingAndAPollerDrainsThenIsTold(final ProducerMode mode)
    {
        final LongStateBus bus = StateBus.longBuilder(0).capacity(16).producerMode(mode).build();
        final LongSubscription sub = bus.subscribe(Policy.BLOCK);
        LongChainCheck.publish(bus, 3);
        bus.close();
        bus.close();
        assertThat(bus.isClosed()).isTrue();
        assertThatThrownBy(() -> bus.set(42)).isInstanceOf(StateBusClosedException.class)
            .hasMessageContaining("closed");
        assertThatThrownBy(() -> bus.compareAndSet(valueAt(3), 42)).isInstanceOf(StateBusClosedException.class);
        // one that would fail on an open bus too: still the closed error, not false
        assertThatThrownBy(() -> bus.compareAndSet(-1, 42)).isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> bus.trySet(42, Duration.ZERO)).isInstanceOf(StateBusClosedException.class);
        assertThatThrownBy(() -> bus.subscribe(Policy.GAP)).isInstanceOf(StateBusClosedException.class);
        assertThat(bus.get()).isEqualTo(valueAt(3));
        assertThat(bus.latestSequence()).isEqualTo(3);

        final LongChainCheck check = new LongChainCheck(sub, 3);
        assertThat(sub.poll(check, 100)).isEqualTo(3);
        assertThat(check.verdict()).isEqualTo("clean");
        assertThatThrownBy(() -> sub.poll(check, 100)).isInstanceOf(StateBusClosedException.class);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ProducerMode.class)
    void aProducerWaitingOnAFullRingIsReleasedWithTheExceptionAndPublishesNothing(final ProducerMode mode)
        throws Exception
    {
        final LongStateBus bus = StateBus.longBuilder(0).capacity(2).producerMode(mode).build();
        bus.subscribe(Policy.BLOCK); // never polled
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread producer = new Thread(() ->
        {
            try
            {
                LongChainCheck.publish(bus, 3); // the third waits for ever
            }
            catch (final Throwable ex)
            {
                thrown.set(ex);
            }
        }, "blocked-producer");
        producer.start();
        TestAwait.until(() -> bus.producerWaits() > 0 || producer.getState() == Thread.State.TIMED_WAITING ||
            producer.getState() == Thread.State.WAITING, "the producer waiting");
        TestAwait.until(() -> bus.latestSequence() == 2, "two published");
        bus.close();
        TestAwait.ended(producer);
        assertThat(thrown.get()).isInstanceOf(StateBusClosedException.class);
        assertThat(bus.latestSequence()).isEqualTo(2);
        assertThat(bus.get()).isEqualTo(valueAt(2));
    }

    @Test
    void aHandlerThreadDeliversWhatWasPublishedThenStopsAndEnds() throws Exception
    {
        final LongStateBus bus = StateBus.longBuilder(0).capacity(16).build();
        final LongChainCheck check = new LongChainCheck(0, 0, 5);
        final LongSubscription sub = bus.subscribe(Policy.BLOCK, check);
        final Thread thread = sub.handlerThread();
        LongChainCheck.publish(bus, 5);
        bus.close();
        assertThat(check.stopped.await(20, TimeUnit.SECONDS)).isTrue();
        TestAwait.ended(thread);
        assertThat(check.delivered).isEqualTo(5);
        assertThat(check.verdict()).isEqualTo("clean");
    }

    @Test
    void aWaitingAwaitIsReleasedWithTheException() throws Exception
    {
        final LongStateBus bus = StateBus.longBuilder(0).capacity(16).build();
        final PendingAwait<Long> never = bus.prepareAwait(v -> v < 0);
        final AtomicReference<Throwable> thrown = new AtomicReference<>();
        final Thread waiter = new Thread(() ->
        {
            try
            {
                never.await(Duration.ofSeconds(30));
            }
            catch (final Throwable ex)
            {
                thrown.set(ex);
            }
        }, "waiter");
        waiter.start();
        bus.set(1);
        bus.close();
        TestAwait.ended(waiter);
        assertThat(thrown.get()).isInstanceOf(StateBusClosedException.class);
    }
}
