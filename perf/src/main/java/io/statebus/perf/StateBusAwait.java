package io.statebus.perf;

import io.statebus.Awaited;
import io.statebus.StateBus;
import io.statebus.perf.Harness.St;
import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

import static io.statebus.perf.StateBusRows.builder;

/**
 * await: the time from {@code set(B)} to a blocked {@code await(B)} returning, on another thread. Then
 * "blips" (B set and replaced by A at once) that the await must still report.
 */
final class StateBusAwait extends AwaitBench
{
    private final StateBus<St> bus = builder("-", false, threads).build();
    private final Thread awaiter;
    private volatile long round;
    private volatile long roundDone;
    private volatile long wokeAt;
    private volatile long matchedSequence;
    private volatile boolean stop;
    private long errors;
    private long awaitErrors;
    private long blips;
    private long blipsMatched;

    StateBusAwait()
    {
        super("statebus");
        awaiter = threads.start(this::awaitLoop);
    }

    private void awaitLoop()
    {
        long r = 0;
        while (true)
        {
            r++;
            while (round < r)
            {
                if (stop)
                {
                    return;
                }
                Thread.onSpinWait();
            }
            try
            {
                final Awaited<St> result = bus.await(St.B, 10, TimeUnit.SECONDS);
                wokeAt = System.nanoTime();
                final boolean ok = result.outcome() == Awaited.Outcome.MATCHED && result.transition().to() == St.B;
                matchedSequence = ok ? result.transition().sequence() : -1;
            }
            catch (final Exception ex)
            {
                matchedSequence = -2;
            }
            roundDone = r;
        }
    }

    /** Until the awaiter has joined the bus and parked: observed state, not a sleep. */
    private void awaitParked()
    {
        while (bus.subscriptionCount() == 0 || awaiter.getState() != Thread.State.TIMED_WAITING)
        {
            Thread.onSpinWait();
        }
    }

    @Override
    void rounds(final int count, final Histogram out)
    {
        for (int i = 0; i < count; i++)
        {
            final long r = round + 1;
            round = r;
            awaitParked();
            final long t0 = System.nanoTime();
            final long seq = bus.set(St.B);
            while (roundDone < r)
            {
                Thread.onSpinWait();
            }
            out.recordValue(Math.max(0, wokeAt - t0));
            if (matchedSequence != seq)
            {
                errors++;
            }
            bus.set(St.A);
        }
    }

    @Override
    void blips(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final long r = round + 1;
            round = r;
            awaitParked();
            final long seq = bus.set(St.B);
            bus.set(St.A); // B lasted one transition
            while (roundDone < r)
            {
                Thread.onSpinWait();
            }
            blips++;
            if (matchedSequence == seq)
            {
                blipsMatched++;
            }
            else
            {
                awaitErrors++;
            }
        }
    }

    @Override
    boolean verified()
    {
        return errors == 0 && awaitErrors == 0;
    }

    @Override
    String notes()
    {
        return "short-lived B (set B; set A at once): await(B) matched " + blipsMatched + " of " + blips +
            "; wrong results " + errors;
    }

    @Override
    public void close()
    {
        stop = true;
        bus.close();
    }
}
