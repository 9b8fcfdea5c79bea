package io.statebus.aeron;

import io.aeron.Aeron;
import io.statebus.Subscription;
import org.agrona.CloseHelper;

import java.util.Arrays;

/**
 * The subscriptions an owner (a bridge's counters, a mirrored bus) exposes as Aeron counters: each one's
 * {@link SubscriptionCounters}, refreshed by the owner's duty cycle and freed by the first refresh after the
 * subscription closed (or failed, or its bus closed), the rest with the owner. Any thread exposes; the duty cycle
 * refreshes; any thread closes. A refresh allocates nothing unless an exposed subscription has closed since the last.
 */
final class ExposedSubscriptions implements AutoCloseable
{
    private static final SubscriptionCounters[] NONE = new SubscriptionCounters[0];

    private final Aeron aeron;
    private volatile SubscriptionCounters[] exposed = NONE; // copy on write: replaced whole under this lock
    private boolean closed; // guarded by this: refresh writes no counter that close freed

    ExposedSubscriptions(final Aeron aeron)
    {
        this.aeron = aeron;
    }

    /**
     * Allocates the subscription's counters, labelled {@code "statebus <what>: " + suffix}, and refreshes them from
     * then on.
     *
     * @param whyClosed the exception's message if the owner is closed.
     * @throws IllegalStateException if closed: the new counters are freed again, none is left behind.
     */
    void expose(final String suffix, final Subscription<?> subscription, final String whyClosed)
    {
        // allocated outside the lock: a round trip to the driver, which a refresh must not wait for
        final SubscriptionCounters added = new SubscriptionCounters(aeron, suffix, subscription);
        synchronized (this)
        {
            if (!closed)
            {
                final SubscriptionCounters[] old = exposed;
                final SubscriptionCounters[] grown = Arrays.copyOf(old, old.length + 1);
                grown[old.length] = added;
                exposed = grown; // copy on write: the duty cycle reads a whole array
                return;
            }
        }
        added.close();
        throw new IllegalStateException(whyClosed);
    }

    /**
     * Refreshes each exposed subscription's counters, and frees those of the ones that have closed; nothing once
     * closed. Under this lock, as {@link #close()} frees them: never writes an id the driver may have reused.
     */
    synchronized void refresh()
    {
        if (closed)
        {
            return;
        }
        final SubscriptionCounters[] now = exposed;
        SubscriptionCounters[] kept = null; // allocated only when an exposed subscription has closed
        int keptCount = 0;
        for (int i = 0; i < now.length; i++)
        {
            final SubscriptionCounters counters = now[i];
            if (counters.subscription().isClosed()) // it ended: its counters are freed
            {
                if (kept == null)
                {
                    kept = Arrays.copyOf(now, now.length);
                    keptCount = i;
                }
                counters.close();
                continue;
            }
            counters.refresh();
            if (kept != null)
            {
                kept[keptCount++] = counters;
            }
        }
        if (kept != null)
        {
            exposed = keptCount == 0 ? NONE : Arrays.copyOf(kept, keptCount);
        }
    }

    /** Frees every exposed subscription's counters; later exposes fail. Idempotent. */
    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            CloseHelper.closeAll(exposed);
            exposed = NONE;
        }
    }
}
