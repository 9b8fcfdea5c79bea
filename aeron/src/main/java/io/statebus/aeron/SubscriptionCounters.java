package io.statebus.aeron;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.statebus.Subscription;
import org.agrona.CloseHelper;

/** One subscription's delivered, missed, gaps and lag as Aeron counters; refreshed by its owner's duty cycle. */
final class SubscriptionCounters implements AutoCloseable
{
    private final Subscription<?> subscription;
    private final Counter delivered;
    private final Counter missed;
    private final Counter gaps;
    private final Counter lag;

    SubscriptionCounters(final Aeron aeron, final String suffix, final Subscription<?> subscription)
    {
        this.subscription = subscription;
        final CounterGroup group = new CounterGroup(aeron);
        try
        {
            this.delivered = group.add(CounterTypes.SUBSCRIPTION_DELIVERED, "statebus delivered: " + suffix);
            this.missed = group.add(CounterTypes.SUBSCRIPTION_MISSED, "statebus missed: " + suffix);
            this.gaps = group.add(CounterTypes.SUBSCRIPTION_GAPS, "statebus gaps: " + suffix);
            this.lag = group.add(CounterTypes.SUBSCRIPTION_LAG, "statebus lag: " + suffix);
        }
        catch (final RuntimeException ex) // the driver refused one: free those it gave
        {
            throw group.freeAll(ex);
        }
    }

    void refresh()
    {
        // release stores: a reader in another process sees whole values; order between them does not matter
        missed.setRelease(subscription.missed());
        gaps.setRelease(subscription.gaps());
        delivered.setRelease(subscription.delivered());
        lag.setRelease(subscription.lag());
    }

    Subscription<?> subscription()
    {
        return subscription;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(delivered, missed, gaps, lag);
    }
}
