package io.statebus;

import io.statebus.publish.SingleProducer;
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
 * A single-producer {@link LongStateBus}'s owner publishes on a fast path where one read of a gate stands for the
 * owner, closed and listener checks, and its own last value for the ring's: these tests pin down that everything
 * the full path checks is still checked there, each after the owner has published (so the gate was open).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LongValuesFastPathChecksEverythingTest
{
    private static LongStateBus busOnItsFastPath()
    {
        final LongStateBus bus = StateBus.longBuilder(0).capacity(64).producerMode(ProducerMode.SINGLE).build();
        bus.set(1); // the full path: makes this thread the owner, then opens the gate
        bus.set(2); // the fast path
        assertThat(((SingleProducer<Long>)bus.producer()).fastPathOpen()).as("fast path open").isTrue();
        return bus;
    }

    @Test
    void unchangedValuesAndComparesAreDecidedAgainstTheCurrentValue()
    {
        try (LongStateBus bus = busOnItsFastPath())
        {
            assertThat(bus.set(2)).isEqualTo(LongStateBus.NOT_PUBLISHED);
            assertThat(bus.compareAndSet(1, 3)).isFalse();
            assertThat(bus.compareAndSet(2, 3)).isTrue();
            assertThat(bus.compareAndSet(3, 3)).as("already so: true, nothing published").isTrue();
            assertThat(bus.set(Long.MIN_VALUE)).isEqualTo(4);
            assertThat(bus.get()).isEqualTo(Long.MIN_VALUE);
            assertThat(bus.latestSequence()).isEqualTo(4);
        }
    }

    @Test
    void aCloseFromAnotherThreadIsSeenByTheOwnersNextSet() throws Exception
    {
        try (LongStateBus bus = busOnItsFastPath())
        {
            final Thread closer = new Thread(bus::close, "closer");
            closer.start();
            closer.join();
            assertThatThrownBy(() -> bus.set(3)).isInstanceOf(StateBusClosedException.class);
            assertThatThrownBy(() -> bus.trySet(3, Duration.ofSeconds(1))).isInstanceOf(StateBusClosedException.class);
            assertThatThrownBy(() -> bus.compareAndSet(2, 3)).isInstanceOf(StateBusClosedException.class);
            assertThat(bus.get()).isEqualTo(2);
            assertThat(bus.latestSequence()).isEqualTo(2);
        }
    }

    @Test
    void anotherThreadIsRefusedAndChangesNothing() throws Exception
    {
        try (LongStateBus bus = busOnItsFastPath())
        {
            final AtomicReference<Throwable> thrown = new AtomicReference<>();
            final Thread intruder = new Thread(() ->
            {
                try
                {
                    bus.set(99);
                }
                catch (final Throwable ex)
                {
                    thrown.set(ex);
                }
            }, "intruder");
            intruder.start();
            intruder.join();
            assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("intruder");
            assertThat(bus.get()).isEqualTo(2);
            assertThat(bus.set(3)).as("the owner goes on").isEqualTo(3);
        }
    }

    @Test
    void anExecutorSubscriptionAddedByTheOwnerIsToldOfItsVeryNextPublish()
    {
        try (LongStateBus bus = busOnItsFastPath())
        {
            final List<String> seen = new ArrayList<>();
            bus.subscribe(Policy.BLOCK, (t, end) -> seen.add(t.from() + "->" + t.to()), Runnable::run);
            bus.set(3); // a same-thread executor delivers inside this set, if the owner was told
            assertThat(seen).containsExactly("2->3");
        }
    }

    @Test
    void anUnchangedValueIsPublishedFromTheFastPathWhenTheBusIsBuiltToPublishIt()
    {
        try (LongStateBus bus = StateBus.longBuilder(0).capacity(64).producerMode(ProducerMode.SINGLE)
            .publishUnchanged(true).build())
        {
            bus.set(1);
            bus.set(2);
            assertThat(((SingleProducer<Long>)bus.producer()).fastPathOpen()).as("fast path open").isTrue();
            final LongSubscription witness = bus.subscribe(Policy.BLOCK);
            assertThat(bus.set(2)).isEqualTo(3);
            assertThat(bus.compareAndSet(2, 2)).isTrue();
            assertThat(bus.latestSequence()).isEqualTo(4);
            final List<String> seen = new ArrayList<>();
            witness.poll((t, end) -> seen.add(t.sequence() + ":" + t.from() + "->" + t.to()), 10);
            assertThat(seen).containsExactly("3:2->2", "4:2->2");
        }
    }

    /**
     * A timed set that gave up on a full ring (the full path) changed nothing, also for the owner's fast path after
     * it: its next compare and its next transition's {@code from} are the ring's value, not the one it gave up on.
     */
    @Test
    void aTimedSetThatGaveUpLeavesTheOwnersNextCallsAtTheRingsValue() throws Exception
    {
        try (LongStateBus bus = busOnItsFastPath())
        {
            final LongSubscription behind = bus.subscribe(Policy.BLOCK);
            for (long v = 3; v < 3 + 64; v++)
            {
                bus.set(v);
            }
            assertThat(bus.trySet(-1, Duration.ofMillis(20))).as("a ring behind: times out").isFalse();
            behind.close(); // holds the owner back no more
            final LongSubscription witness = bus.subscribe(Policy.BLOCK);
            assertThat(bus.compareAndSet(-1, -2)).as("-1 never became the value").isFalse();
            assertThat(bus.set(-3)).isEqualTo(67);
            final List<String> seen = new ArrayList<>();
            witness.poll((t, end) -> seen.add(t.sequence() + ":" + t.from() + "->" + t.to()), 10);
            assertThat(seen).containsExactly("67:66->-3");
        }
    }
}
