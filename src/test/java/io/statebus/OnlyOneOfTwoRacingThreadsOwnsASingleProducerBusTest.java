package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The owner rule of a {@link ProducerMode#SINGLE} bus under a race: two threads released at once onto a new bus,
 * each publishing a few values, for many rounds. In every round exactly one becomes the owner and publishes all of
 * its values; the other is refused at its first call, publishing nothing. Two threads that both passed the rule
 * (an owner taken by a plain write, not a compare-and-set) would publish at once without a lock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OnlyOneOfTwoRacingThreadsOwnsASingleProducerBusTest
{
    private static final int ROUNDS = 1_000; // the plain-write owner bug showed by round 147 in 2,000; half keeps the suite short
    private static final int SETS = 3;

    @Test
    void exactlyOneThreadOwnsTheBusAndOnlyItsValuesArePublished() throws Exception
    {
        final AtomicReference<LongStateBus> round = new AtomicReference<>();
        final CyclicBarrier start = new CyclicBarrier(3);
        final CyclicBarrier done = new CyclicBarrier(3);
        final int[][] published = new int[2][ROUNDS];
        final AtomicReference<Throwable> unexpected = new AtomicReference<>();
        final AtomicInteger arrived = new AtomicInteger();
        final Thread[] racers = new Thread[2];
        for (int t = 0; t < 2; t++)
        {
            final int id = t;
            racers[t] = new Thread(() ->
            {
                try
                {
                    for (int r = 0; r < ROUNDS; r++)
                    {
                        start.await(20, TimeUnit.SECONDS); // timed: a failed round ends the racers too
                        startLine(arrived, 2 * (r + 1));
                        race(round.get(), id, published[id], r, unexpected);
                        done.await(20, TimeUnit.SECONDS);
                    }
                }
                catch (final Exception ex)
                {
                    unexpected.compareAndSet(null, ex);
                }
            }, "racer-" + t);
            racers[t].start();
        }
        for (int r = 0; r < ROUNDS; r++)
        {
            try (LongStateBus bus = StateBus.longBuilder(0).capacity(64).producerMode(ProducerMode.SINGLE).build())
            {
                round.set(bus);
                start.await(20, TimeUnit.SECONDS);
                done.await(20, TimeUnit.SECONDS);
                final int winner = published[0][r] == SETS ? 0 : 1;
                assertThat(new int[] {published[winner][r], published[1 - winner][r]}).as("round %d", r)
                    .containsExactly(SETS, 0);
                assertThat(bus.latestSequence()).as("round %d", r).isEqualTo(SETS);
                assertThat(bus.get()).as("round %d", r).isEqualTo(valueOf(winner, SETS - 1));
            }
        }
        for (final Thread racer : racers)
        {
            TestAwait.ended(racer);
        }
        assertThat(unexpected.get()).isNull();
    }

    /**
     * Both racers spin here until both have arrived, so they leave within a cache miss of each other (a barrier
     * wakes its parked threads one after the other, microseconds apart); bounded by a deadline.
     */
    private static void startLine(final AtomicInteger arrived, final int both)
    {
        arrived.incrementAndGet();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (arrived.get() < both)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("the other racer never arrived");
            }
            Thread.onSpinWait();
        }
    }

    /** Thread {@code id}'s sets in one round, counted; the owner rule's refusal ends them. */
    private static void race(
        final LongStateBus bus, final int id, final int[] published, final int r, final AtomicReference<Throwable> unexpected)
    {
        try
        {
            for (int i = 0; i < SETS; i++)
            {
                if (bus.set(valueOf(id, i)) > 0)
                {
                    published[r]++;
                }
            }
        }
        catch (final IllegalStateException ex)
        {
            if (!ex.getMessage().contains("owns it"))
            {
                unexpected.compareAndSet(null, ex);
            }
        }
    }

    /** Thread {@code id}'s value number {@code i}: never 0 (the initial value), never another thread's. */
    private static long valueOf(final int id, final int i)
    {
        return 1_000L * (id + 1) + i;
    }
}
