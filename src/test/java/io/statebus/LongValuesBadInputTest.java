package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bad input to a {@link LongStateBus} gets a clear exception and changes nothing: capacities, nulls, negative
 * timeouts, poll limits, a second consuming thread, a second producer thread on a single-producer bus.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LongValuesBadInputTest
{
    @Test
    void aCapacityThatIsNotAPowerOfTwoFromTwoIsRefused()
    {
        for (final int capacity : new int[] {-1, 0, 1, 3, 1000, 1 << 31 >>> 0})
        {
            assertThatThrownBy(() -> StateBus.longBuilder(0).capacity(capacity))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
        }
        assertThatThrownBy(() -> StateBus.longBuilder(0).producerMode(null)).isInstanceOf(NullPointerException.class)
            .hasMessageContaining("producerMode");
        assertThatThrownBy(() -> StateBus.longBuilder(0).clock(null)).isInstanceOf(NullPointerException.class)
            .hasMessageContaining("clock");
    }

    /**
     * A long bus's slot is 4 longs of one array, so 2^29 and 2^30 slots would overflow it whatever the heap
     * (NegativeArraySizeException, or an empty array and ArrayIndexOutOfBounds): refused at build, clearly.
     */
    @Test
    void aCapacityTheRingsArrayCannotHoldIsRefusedWhenBuilt()
    {
        for (final int capacity : new int[] {1 << 30, 1 << 29})
        {
            final LongStateBusBuilder builder = StateBus.longBuilder(0).capacity(capacity);
            for (final Runnable build : java.util.List.<Runnable>of(builder::build, () -> builder.buildMirror(0, 0, 0)))
            {
                assertThatThrownBy(build::run).as("capacity %d", capacity)
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessage("capacity " + capacity + " is more than this kind of bus holds, 268435456: a slot " +
                        "takes 4 elements of one array, and an array holds fewer than 2^31");
            }
        }
        assertThatThrownBy(() -> StateBus.valueBuilder("a").capacity(1 << 30).build())
            .isExactlyInstanceOf(IllegalArgumentException.class)
            .hasMessage("capacity 1073741824 is more than this kind of bus holds, 536870912: a slot takes 2 " +
                "elements of one array, and an array holds fewer than 2^31");
    }

    @Test
    void nullsNegativeTimeoutsAndLimitsAreRefusedAndChangeNothing()
    {
        try (LongStateBus bus = StateBus.longBuilder(5).capacity(8).build())
        {
            assertThatThrownBy(() -> bus.trySet(6, Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
            assertThatThrownBy(() -> bus.subscribe(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("policy");
            assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("handler");
            assertThatThrownBy(() -> bus.subscribe(Policy.BLOCK, (t, e) -> { }, null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("executor");
            assertThatThrownBy(() -> bus.prepareAwait(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("predicate");
            final LongSubscription sub = bus.subscribe(Policy.GAP);
            assertThatThrownBy(() -> sub.poll((t, e) -> { }, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("limit");
            assertThatThrownBy(() -> sub.poll(null, 1)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("handler");
            assertThat(bus.get()).isEqualTo(5);
            assertThat(bus.latestSequence()).isZero();
            assertThat(bus.subscriptionCount()).as("only the one GAP subscription").isEqualTo(1);
        }
    }

    @Test
    void aSecondThreadIsRefusedAsPollerAndAsProducerOfASingleProducerBus() throws Exception
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(8).producerMode(ProducerMode.SINGLE).build())
        {
            final LongSubscription sub = bus.subscribe(Policy.BLOCK);
            bus.set(1);
            sub.poll((t, e) -> { }, 10);
            final AtomicReference<Throwable> poll = new AtomicReference<>();
            final AtomicReference<Throwable> set = new AtomicReference<>();
            final Thread other = new Thread(() ->
            {
                try
                {
                    sub.poll((t, e) -> { }, 10);
                }
                catch (final Throwable ex)
                {
                    poll.set(ex);
                }
                try
                {
                    bus.set(2);
                }
                catch (final Throwable ex)
                {
                    set.set(ex);
                }
            }, "second-thread");
            other.start();
            other.join();
            assertThat(poll.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("second-thread");
            assertThat(set.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("single-producer");
            assertThat(bus.get()).isEqualTo(1);
            assertThat(bus.latestSequence()).isEqualTo(1);
        }
    }

    @Test
    void aPollRefusedToASecondThreadChangesNothingForThePollInProgress() throws Exception
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(8).build())
        {
            final LongSubscription sub = bus.subscribe(Policy.BLOCK);
            bus.set(1);
            bus.set(2);
            final StringBuilder owners = new StringBuilder();
            final StringBuilder intruders = new StringBuilder();
            final AtomicReference<Throwable> refused = new AtomicReference<>();
            final LongTransitionHandler intruder = (t, e) -> intruders.append(t.to());
            final int polled = sub.poll((t, e) ->
            {
                owners.append(t.to());
                if (t.sequence() == 1) // mid-batch: another thread tries to poll, refused, and has ended
                {
                    refused.set(TestAwait.thrownOnThread("second-poller", () -> sub.poll(intruder, 10)));
                }
            }, 10);
            assertThat(refused.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("second-poller");
            assertThat(intruders.toString()).as("the refused thread's handler got nothing").isEmpty();
            assertThat(owners.toString()).as("the consumer's handler got the whole batch").isEqualTo("12");
            assertThat(polled).isEqualTo(2);
        }
    }
}
