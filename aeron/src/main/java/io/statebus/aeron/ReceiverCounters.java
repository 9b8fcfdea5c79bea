package io.statebus.aeron;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.aeron.Subscription;
import org.agrona.CloseHelper;

/**
 * A {@link MirrorReceiver}'s counts made visible, and the clock that times them: the receiver's own (messages
 * received and refused, as Aeron counters {@link CounterTypes#RECEIVER_RECEIVED} and
 * {@link CounterTypes#RECEIVER_MALFORMED} if it has a client) and each mirrored bus's, refreshed at most every
 * millisecond. The clock is read after a poll that found nothing, or every 64th busy one: {@code System.nanoTime}
 * costs 25-50 ns on a VM's kvm-clock, as much as a raw Aeron message, so it is not read between each message and
 * its reader. Duty-cycle thread only, but for {@link #received()} and {@link #close()}.
 */
final class ReceiverCounters implements AutoCloseable
{
    private static final long REFRESH_NANOS = 1_000_000;
    /** A busy receiver reads the clock this often: a cycle polls up to fragmentLimit messages, so it stays timely. */
    private static final int CLOCK_EVERY_BUSY_CYCLES = 64;

    private final BusDispatcher dispatcher;
    private final Counter receivedCounter; // null without a client
    private final Counter malformedCounter;
    private long nextRefreshAt;
    private int busyCycles; // cycles that polled something since the clock was last read
    private volatile long received; // single writer (the duty cycle, at each refresh); volatile for readers

    /**
     * @param aeron the client that allocates the counters, or null for none (the counts are still kept).
     */
    ReceiverCounters(final Aeron aeron, final Subscription subscription, final BusDispatcher dispatcher)
    {
        this.dispatcher = dispatcher;
        final String suffix = subscription.channel() + " stream=" + subscription.streamId();
        if (aeron == null)
        {
            this.receivedCounter = null;
            this.malformedCounter = null;
            return;
        }
        final CounterGroup group = new CounterGroup(aeron);
        try
        {
            this.receivedCounter = group.add(CounterTypes.RECEIVER_RECEIVED, "statebus receiver received: " + suffix);
            this.malformedCounter = group.add(CounterTypes.RECEIVER_MALFORMED,
                "statebus receiver malformed: " + suffix);
        }
        catch (final RuntimeException ex) // the driver refused one: free those it gave
        {
            throw group.freeAll(ex);
        }
    }

    /** After each poll that polled {@code work} messages: refreshes the counts if the clock says they are due. */
    void afterPoll(final int work)
    {
        if (work == 0 || ++busyCycles >= CLOCK_EVERY_BUSY_CYCLES)
        {
            busyCycles = 0;
            final long now = System.nanoTime();
            if (now - nextRefreshAt >= 0)
            {
                nextRefreshAt = now + REFRESH_NANOS;
                refresh();
            }
        }
    }

    private void refresh()
    {
        received = dispatcher.receivedCount();
        if (receivedCounter != null)
        {
            // release stores: a reader in another process sees whole values; order between them does not matter
            receivedCounter.setRelease(dispatcher.receivedCount());
            malformedCounter.setRelease(dispatcher.malformedCount());
        }
        for (final MirrorEndpoint mirrored : dispatcher.mirrors())
        {
            mirrored.refreshCounters();
        }
    }

    /**
     * The receiver failed: refreshes the counts a last time (no duty cycle does after it), unless the client closed
     * the counters (a failed client's are closed, and unmapped).
     */
    void onFailed()
    {
        if (receivedCounter == null || !receivedCounter.isClosed())
        {
            refresh();
        }
    }

    /** @return messages polled (refused ones included), as of the last refresh. */
    long received()
    {
        return received;
    }

    /** Frees the receiver's Aeron counters (the mirrored buses close their own). */
    @Override
    public void close()
    {
        CloseHelper.closeAll(receivedCounter, malformedCounter);
    }
}
