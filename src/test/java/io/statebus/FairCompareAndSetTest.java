package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guarantee 6 under contention: on a multi-producer bus, a compareAndSet that fails against the current state
 * answers without taking the producer lock, so two threads that each flip the state with a CAS retry loop both
 * make progress, and every success is one published transition.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FairCompareAndSetTest
{
    private static final int SUCCESSES_EACH = 20_000;

    @Test
    void twoRacingCompareAndSetLoopsBothMakeProgress() throws Exception
    {
        try (StateBus<Integer> bus = StateBus.builder(0, TestStates.integers(2)).capacity(1024)
            .producerMode(ProducerMode.MULTI).build())
        {
            final AtomicLong attempts = new AtomicLong();
            final CyclicBarrier start = new CyclicBarrier(2);
            // thread A moves 0 -> 1, thread B moves 1 -> 0: each success hands the turn to the other
            final Thread a = flipper(bus, 0, 1, start, attempts);
            final Thread b = flipper(bus, 1, 0, start, attempts);
            a.start();
            b.start();
            TestAwait.ended(a);
            TestAwait.ended(b);
            assertThat(bus.latestSequence()).isEqualTo(2L * SUCCESSES_EACH);
            System.out.printf("FairCompareAndSetTest: %d attempts for %d successes%n", attempts.get(),
                2L * SUCCESSES_EACH);
        }
    }

    private static Thread flipper(
        final StateBus<Integer> bus, final int from, final int to, final CyclicBarrier start, final AtomicLong attempts)
    {
        return new Thread(() ->
        {
            try
            {
                start.await();
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
            long tries = 0;
            for (int done = 0; done < SUCCESSES_EACH; tries++)
            {
                if (bus.compareAndSet(from, to))
                {
                    done++;
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
            attempts.addAndGet(tries);
        }, "cas " + from + "->" + to);
    }
}
