package io.statebus;

import java.util.Objects;

/**
 * One consumer of a {@link LongStateBus}: its own sequence into the ring, a policy and counters. Poll it from one
 * thread at a time, or let the bus consume it (handler thread, executor).
 *
 * <pre>{@code
 * LongSubscription ticks = prices.subscribe(Policy.GAP);
 * while (running) {
 *     idle.idle(ticks.poll((t, endOfBatch) -> quote(t.to()), 256));
 * }
 * }</pre>
 *
 * <p>It is the state bus's {@link Subscription} underneath, with an adapter reused for every poll: polling
 * allocates nothing per transition.
 */
public final class LongSubscription implements AutoCloseable
{
    private final Subscription<Long> subscription;
    /** The poller's adapter, reused: its handler is replaced per poll by the one consuming thread. */
    private final LongDelivery delivery = new LongDelivery(null);

    LongSubscription(final Subscription<Long> subscription)
    {
        this.subscription = subscription;
    }

    /**
     * @return the subscription underneath, for adapters that consume a {@link Subscription} (an Agrona agent, with
     *     {@link LongTransitionHandler#adapt}).
     */
    public Subscription<Long> subscription()
    {
        return subscription;
    }

    /**
     * Delivers the transitions published since the last poll, at most {@code limit}, to {@code handler} on the
     * calling thread, which becomes this subscription's one consumer. A {@link Policy#GAP} subscription that was
     * lapped gets one {@link LongTransitionHandler#onGap} notice first.
     *
     * @param handler receives the transitions.
     * @param limit   the most transitions to deliver, at least 1.
     * @return how many were delivered: 0 when nothing is new.
     * @throws StateBusClosedException once closed, failed, or drained after the bus closed.
     * @throws IllegalStateException   from a second thread, from inside this subscription's own handler (see
     *                                 {@link Subscription#poll}), or if the bus consumes this subscription itself.
     */
    public int poll(final LongTransitionHandler handler, final int limit)
    {
        if (delivery.handler != Objects.requireNonNull(handler, "handler must not be null"))
        {
            subscription.checkPoll(handler, limit); // first: a refused call must not replace the consumer's handler
            delivery.handler = handler; // only when it changes: a reference store pays G1's barriers on every poll
        }
        return subscription.poll(delivery, limit);
    }

    /** Closes; idempotent, from any thread. A {@link Policy#BLOCK} subscription stops holding the producer back. */
    @Override
    public void close()
    {
        subscription.close();
    }

    /**
     * @return the policy.
     */
    public Policy policy()
    {
        return subscription.policy();
    }

    /**
     * @return the sequence of the join snapshot.
     */
    public long joinSequence()
    {
        return subscription.joinSequence();
    }

    /**
     * @return the value at the join snapshot: the first transition's {@code from}.
     */
    public long joinValue()
    {
        return subscription.reader().joinValue();
    }

    /**
     * @return the sequence consumed last.
     */
    public long position()
    {
        return subscription.position();
    }

    /**
     * @return transitions delivered by completed batches.
     */
    public long delivered()
    {
        return subscription.delivered();
    }

    /**
     * @return transitions missed because the producer lapped this subscription ({@link Policy#GAP}).
     */
    public long missed()
    {
        return subscription.missed();
    }

    /**
     * @return how many times the producer lapped this subscription.
     */
    public long gaps()
    {
        return subscription.gaps();
    }

    /**
     * @return published transitions not consumed yet.
     */
    public long lag()
    {
        return subscription.lag();
    }

    /**
     * @return true once closed, failed, or the bus closed.
     */
    public boolean isClosed()
    {
        return subscription.isClosed();
    }

    /**
     * @return what failed this subscription, else null: what its handler threw, or what its executor threw when
     *     handed a delivery task (a refusal).
     */
    public Throwable failure()
    {
        return subscription.failure();
    }

    /**
     * @return the handler thread of a subscription made with a handler, else null.
     */
    public Thread handlerThread()
    {
        return subscription.handlerThread();
    }

    @Override
    public String toString()
    {
        return subscription.describe("LongSubscription", " " + joinValue());
    }
}
