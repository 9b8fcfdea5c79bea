package io.statebus;

import java.util.Objects;
import java.util.function.LongPredicate;

/**
 * A subscription to a {@link KeyedStateBus}: every transition of every key (or of the keys its filter admits),
 * in the bus's one global order, with the guarantees of its {@link Policy}. Polled by one thread at a time, or
 * consumed by a handler thread or an executor.
 *
 * @param <S> the state type.
 */
public final class KeyedSubscription<S> implements AutoCloseable
{
    private final Subscription<S> subscription;
    private final KeyedDelivery<S> delivery;

    KeyedSubscription(final Subscription<S> subscription, final LongPredicate keys)
    {
        this.subscription = subscription;
        this.delivery = new KeyedDelivery<>(null, keys);
    }

    /**
     * Delivers what is available now, at most {@code limit} transitions, on the calling thread. Allocates nothing.
     *
     * @param handler receives each transition of an admitted key (and each gap notice first).
     * @param limit   the most transitions to consume in this call (filtered-out ones included), at least 1.
     * @return how many transitions were consumed.
     * @throws StateBusClosedException if closed or failed, or the bus closed and everything was delivered.
     * @throws IllegalStateException   if another thread consumes this subscription, or the call comes from inside
     *                                 this subscription's own handler (see {@link Subscription#poll}).
     */
    public int poll(final KeyedTransitionHandler<S> handler, final int limit)
    {
        if (delivery.handler != Objects.requireNonNull(handler, "handler must not be null"))
        {
            subscription.checkPoll(handler, limit); // first: a refused call must not replace the consumer's handler
            delivery.handler = handler; // only when it changes: a reference store pays G1's barriers on every poll
        }
        return subscription.poll(delivery, limit);
    }

    /**
     * @return the subscription underneath, for adapters that consume a {@link Subscription} (an Agrona agent, with
     *     {@link KeyedTransitionHandler#adapt}): every transition it delivers is a {@link KeyedTransition}; its
     *     key filter does not apply there. Its {@link Subscription#joinState()} is no key's state: the {@code to} of
     *     the transition at the join sequence, of whichever key that was (at sequence 0, the first state).
     */
    public Subscription<S> subscription()
    {
        return subscription;
    }

    /** Closes; idempotent, from any thread. A {@code BLOCK} subscription stops holding the producer back. */
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
     * @return the sequence of the join snapshot: the first transition it receives is the one after it.
     */
    public long joinSequence()
    {
        return subscription.joinSequence();
    }

    /**
     * @return the handler thread of a subscription made with a handler, else null.
     */
    public Thread handlerThread()
    {
        return subscription.handlerThread();
    }

    /**
     * @return the sequence consumed last.
     */
    public long position()
    {
        return subscription.position();
    }

    /**
     * @return transitions consumed (those a key filter skipped included).
     */
    public long delivered()
    {
        return subscription.delivered();
    }

    /**
     * @return transitions missed because the producer lapped this subscription.
     */
    public long missed()
    {
        return subscription.missed();
    }

    /**
     * @return how many times it was lapped.
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
     * @return whether it is closed or failed.
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

    @Override
    public String toString()
    {
        // no state after the sequence: the ring's latest transition there was of one key, whichever it was, and a
        // state named here would contradict the next transition this subscription receives, of another key
        return subscription.describe("KeyedSubscription", "");
    }
}
