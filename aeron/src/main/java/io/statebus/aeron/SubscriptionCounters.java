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
        this.delivered = aeron.addCounter(CounterTypes.SUBSCRIPTION_DELIVERED, "statebus delivered: " + suffix);
        this.missed = aeron.addCounter(CounterTypes.SUBSCRIPTION_MISSED, "statebus missed: " + suffix);
        this.gaps = aeron.addCounter(CounterTypes.SUBSCRIPTION_GAPS, "statebus gaps: " + suffix);
        this.lag = aeron.addCounter(CounterTypes.SUBSCRIPTION_LAG, "statebus lag: " + suffix);
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
