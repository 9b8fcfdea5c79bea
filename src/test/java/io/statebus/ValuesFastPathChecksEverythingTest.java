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
 * A single-producer {@link ValueStateBus}'s owner publishes on a fast path where one read of a gate stands for the
 * owner, closed and listener checks, and its own last value for the ring's: these tests pin down that everything
 * the full path checks is still checked there (by {@code equals}, user code included), each after the owner has
 * published, so the gate was open.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ValuesFastPathChecksEverythingTest
{
    /** A value whose equals compares the text, and throws while {@code failing} is set. */
    private static final class Quote
    {
        static volatile boolean failing;
        final String text;

        Quote(final String text)
        {
            this.text = text;
        }

        @Override
        public boolean equals(final Object other)
        {
            if (failing)
            {
                throw new IllegalStateException("equals failed");
            }
            return other instanceof Quote && ((Quote)other).text.equals(text);
        }

        @Override
        public int hashCode()
        {
            return text.hashCode();
        }

        @Override
        public String toString()
        {
            return text;
        }
    }

    private static ValueStateBus<Quote> busOnItsFastPath(final boolean nullable)
    {
        Quote.failing = false;
        final ValueStateBus<Quote> bus = StateBus.valueBuilder(new Quote("a")).capacity(64)
            .producerMode(ProducerMode.SINGLE).nullable(nullable).build();
        bus.set(new Quote("b")); // the full path: makes this thread the owner, then opens the gate
        bus.set(new Quote("c")); // the fast path
        assertThat(((SingleProducer<Quote>)bus.producer()).fastPathOpen()).as("fast path open").isTrue();
        return bus;
    }

    @Test
    void equalValuesAndComparesAreDecidedByEqualsAgainstTheCurrentValue()
    {
        try (ValueStateBus<Quote> bus = busOnItsFastPath(false))
        {
            assertThat(bus.set(new Quote("c"))).as("an equal copy: unchanged").isEqualTo(ValueStateBus.NOT_PUBLISHED);
            assertThat(bus.compareAndSet(new Quote("b"), new Quote("d"))).isFalse();
            assertThat(bus.compareAndSet(new Quote("c"), new Quote("d"))).as("an equal copy of the current").isTrue();
            assertThat(bus.compareAndSet(new Quote("d"), new Quote("d"))).as("already so: true, nothing published")
                .isTrue();
            assertThat(bus.set(new Quote("e"))).isEqualTo(4);
            assertThat(bus.get().text).isEqualTo("e");
            assertThat(bus.latestSequence()).isEqualTo(4);
        }
    }

    @Test
    void anEqualsThatThrowsChangesNothing()
    {
        try (ValueStateBus<Quote> bus = busOnItsFastPath(false))
        {
            Quote.failing = true;
            assertThatThrownBy(() -> bus.set(new Quote("d"))).hasMessage("equals failed");
            assertThatThrownBy(() -> bus.compareAndSet(new Quote("c"), new Quote("d"))).hasMessage("equals failed");
            Quote.failing = false;
            assertThat(bus.latestSequence()).isEqualTo(2);
            assertThat(bus.get().text).isEqualTo("c");
            assertThat(bus.set(new Quote("d"))).as("the owner goes on, chained from c").isEqualTo(3);
        }
    }

    @Test
    void nullIsAValueOnANullableBusAndRefusedOnAnother()
    {
        try (ValueStateBus<Quote> bus = busOnItsFastPath(true))
        {
            assertThat(bus.set(null)).isEqualTo(3);
            assertThat(bus.set(null)).isEqualTo(ValueStateBus.NOT_PUBLISHED);
            assertThat(bus.compareAndSet(null, new Quote("d"))).isTrue();
            assertThat(bus.get().text).isEqualTo("d");
        }
        try (ValueStateBus<Quote> bus = busOnItsFastPath(false))
        {
            assertThatThrownBy(() -> bus.set(null)).isInstanceOf(NullPointerException.class);
            assertThat(bus.latestSequence()).isEqualTo(2);
        }
    }

    @Test
    void aCloseFromAnotherThreadIsSeenByTheOwnersNextSet() throws Exception
    {
        try (ValueStateBus<Quote> bus = busOnItsFastPath(false))
        {
            final Thread closer = new Thread(bus::close, "closer");
            closer.start();
            closer.join();
            assertThatThrownBy(() -> bus.set(new Quote("d"))).isInstanceOf(StateBusClosedException.class);
            assertThatThrownBy(() -> bus.trySet(new Quote("d"), Duration.ofSeconds(1)))
                .isInstanceOf(StateBusClosedException.class);
            assertThatThrownBy(() -> bus.compareAndSet(new Quote("c"), new Quote("d")))
                .isInstanceOf(StateBusClosedException.class);
            assertThat(bus.get().text).isEqualTo("c");
            assertThat(bus.latestSequence()).isEqualTo(2);
        }
    }

    @Test
    void anotherThreadIsRefusedAndChangesNothing() throws Exception
    {
        try (ValueStateBus<Quote> bus = busOnItsFastPath(false))
        {
            final AtomicReference<Throwable> thrown = new AtomicReference<>();
            final Thread intruder = new Thread(() ->
            {
                try
                {
                    bus.set(new Quote("x"));
                }
                catch (final Throwable ex)
                {
                    thrown.set(ex);
                }
            }, "intruder");
            intruder.start();
            intruder.join();
            assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("intruder");
            assertThat(bus.get().text).isEqualTo("c");
            assertThat(bus.set(new Quote("d"))).as("the owner goes on").isEqualTo(3);
        }
    }

    @Test
    void anExecutorSubscriptionAddedByTheOwnerIsToldOfItsVeryNextPublish()
    {
        try (ValueStateBus<Quote> bus = busOnItsFastPath(false))
        {
            final List<String> seen = new ArrayList<>();
            bus.subscribe(Policy.BLOCK, (t, end) -> seen.add(t.from() + "->" + t.to()), Runnable::run);
            bus.set(new Quote("d")); // a same-thread executor delivers inside this set, if the owner was told
            assertThat(seen).containsExactly("c->d");
        }
    }

    @Test
    void aFullRingSendsTheOwnerToTheFullPathWhichWaitsAndTimesOut() throws Exception
    {
        try (ValueStateBus<Quote> bus = busOnItsFastPath(false))
        {
            try (Subscription<Quote> behind = bus.subscribe(Policy.BLOCK))
            {
                assertThat(behind.policy()).isEqualTo(Policy.BLOCK);
                for (int i = 0; i < 64; i++)
                {
                    bus.set(new Quote("v" + i));
                }
                assertThat(bus.trySet(new Quote("late"), Duration.ofMillis(20))).as("a ring behind: waits, times out")
                    .isFalse();
                assertThat(bus.get().text).isEqualTo("v63");
            }
        }
    }

    @Test
    void anEqualValueIsPublishedFromTheFastPathWhenTheBusIsBuiltToPublishIt()
    {
        try (ValueStateBus<Quote> bus = StateBus.valueBuilder(new Quote("a")).capacity(64)
            .producerMode(ProducerMode.SINGLE).publishUnchanged(true).build())
        {
            bus.set(new Quote("b"));
            bus.set(new Quote("c"));
            assertThat(((SingleProducer<Quote>)bus.producer()).fastPathOpen()).as("fast path open").isTrue();
            final Subscription<Quote> witness = bus.subscribe(Policy.BLOCK);
            assertThat(bus.set(new Quote("c"))).as("an equal copy: published as c -> c").isEqualTo(3);
            assertThat(bus.compareAndSet(new Quote("c"), new Quote("c"))).isTrue();
            assertThat(bus.latestSequence()).isEqualTo(4);
            final List<String> seen = new ArrayList<>();
            witness.poll((t, end) -> seen.add(t.sequence() + ":" + t.from() + "->" + t.to()), 10);
            assertThat(seen).containsExactly("3:c->c", "4:c->c");
        }
    }

    /**
     * A timed set that gave up on a full ring (the full path) changed nothing, also for the owner's fast path after
     * it: its next compare and its next transition's {@code from} are the ring's value, not the one it gave up on.
     */
    @Test
    void aTimedSetThatGaveUpLeavesTheOwnersNextCallsAtTheRingsValue() throws Exception
    {
        try (ValueStateBus<Quote> bus = busOnItsFastPath(false))
        {
            final Subscription<Quote> behind = bus.subscribe(Policy.BLOCK);
            for (int i = 0; i < 64; i++)
            {
                bus.set(new Quote("v" + i));
            }
            assertThat(bus.trySet(new Quote("late"), Duration.ofMillis(20))).as("a ring behind: times out").isFalse();
            behind.close(); // holds the owner back no more
            final Subscription<Quote> witness = bus.subscribe(Policy.BLOCK);
            assertThat(bus.compareAndSet(new Quote("late"), new Quote("x"))).as("late never became the value")
                .isFalse();
            assertThat(bus.set(new Quote("y"))).isEqualTo(67);
            final List<String> seen = new ArrayList<>();
            witness.poll((t, end) -> seen.add(t.sequence() + ":" + t.from() + "->" + t.to()), 10);
            assertThat(seen).containsExactly("67:v63->y");
        }
    }
}
