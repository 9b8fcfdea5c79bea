package io.statebus;

import io.statebus.publish.Producer;
import io.statebus.publish.PublishResult;
import io.statebus.ring.LatestTransition;
import io.statebus.ring.TransitionRing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.LongPredicate;

/**
 * A bus whose state is a primitive {@code long}: a price in ticks, a position, a counter, a sequence number. Every
 * change {@code (from, to)} is published into one preallocated ring, as on a {@link StateBus}, with the same
 * guarantees, and with no boxing: publishing, polling and handler delivery allocate nothing per transition.
 *
 * <pre>{@code
 * LongStateBus bid = StateBus.longBuilder(10_000).capacity(1024).producerMode(ProducerMode.SINGLE).build();
 * LongSubscription quotes = bid.subscribe(Policy.GAP);
 *
 * bid.set(10_005);                                  // producer thread: ticks
 * bid.set(10_010);
 *
 * quotes.poll((t, endOfBatch) -> requote(t.from(), t.to()), 256);   // consumer thread
 * long now = bid.get();                                               // any thread
 * }</pre>
 *
 * <p>A slot holds its sequence word and, beside it, the two longs, written after the word; a {@link Policy#GAP}
 * subscription lapped while it copies them finds the word changed and drops the copy, so it never sees two longs
 * of two publications. {@link #get()} is lock-free and linearizable.
 */
public final class LongStateBus extends BusFrontEnd<Long> implements LongAwaits, BusStatus
{
    /** What {@link #set} returns when the value was already {@code next} and nothing was published. */
    public static final long NOT_PUBLISHED = PublishResult.NOT_PUBLISHED;

    /** The core's ring and producer, held here too: {@link #get()} and {@link #set} are one call from the engine. */
    private final TransitionRing ring;
    private final Producer<Long> producer;

    LongStateBus(final BusCore<Long> core)
    {
        super(core);
        this.ring = core.ring();
        this.producer = core.producer();
    }

    /**
     * The current value: the {@code to} of the latest published transition. Lock-free: it reads again only if the
     * producer went a whole ring round while it read.
     *
     * @return the current value.
     */
    public long get()
    {
        return LatestTransition.value(ring);
    }

    /**
     * Changes the value and publishes the transition, waiting while a {@link Policy#BLOCK} subscription is a whole
     * ring behind.
     *
     * @param next the new value.
     * @return the sequence of the published transition, or {@link #NOT_PUBLISHED} if the value already was
     *     {@code next} (and the bus does not publish unchanged values).
     * @throws StateBusClosedException if the bus is closed, also while waiting; nothing changed.
     * @throws IllegalStateException   on a single-producer bus, from a second thread, or on a mirror's bus;
     *                                 nothing changed.
     */
    public long set(final long next)
    {
        return producer.publishValue(false, 0, next, PublishResult.NO_DEADLINE);
    }

    /**
     * Changes the value unless back-pressure (or, with many producers, another producer) lasts past the timeout;
     * then gives up, changing and publishing nothing.
     *
     * @param next    the new value.
     * @param timeout how long to wait at most; not negative.
     * @return true if the value is now {@code next} (published, or already so); false if it timed out.
     * @throws InterruptedException     if interrupted while waiting; nothing changed.
     * @throws IllegalArgumentException if {@code timeout} is negative; nothing changed.
     * @throws StateBusClosedException  if the bus is closed, also while waiting; nothing changed.
     * @throws IllegalStateException    as for {@link #set}; nothing changed.
     */
    public boolean trySet(final long next, final Duration timeout) throws InterruptedException
    {
        final long result = producer.publishValue(false, 0, next, Deadlines.of(timeout));
        if (result == PublishResult.INTERRUPTED)
        {
            throw new InterruptedException("interrupted while waiting to publish " + next + "; nothing was published");
        }
        return result != PublishResult.TIMED_OUT;
    }

    /**
     * Changes the value to {@code next} only if it is {@code expected}; linearizable with every other producer.
     *
     * @param expected the value the caller believes is current.
     * @param next     the new value.
     * @return true if the value was {@code expected} and is now {@code next}.
     * @throws StateBusClosedException if the bus is closed; nothing changed.
     * @throws IllegalStateException   as for {@link #set}; nothing changed.
     */
    public boolean compareAndSet(final long expected, final long next)
    {
        return producer.publishValue(true, expected, next, PublishResult.NO_DEADLINE) != PublishResult.CAS_FAILED;
    }

    /**
     * Joins at a snapshot {@code (value, sequence)} taken atomically: the first transition received has
     * {@code from() == }{@link LongSubscription#joinValue()}. Consume it with {@link LongSubscription#poll}.
     *
     * @param policy what happens when this subscription is a whole ring behind.
     * @return a new open subscription.
     * @throws StateBusClosedException if the bus is closed.
     */
    public LongSubscription subscribe(final Policy policy)
    {
        return new LongSubscription(new Subscription<>(null, core.join(policy)));
    }

    /**
     * Joins with a replay: the first transition received is {@code fromSequence}, which must still be in the ring;
     * as {@link Subscribes#subscribe(Policy, long)}, a {@link Policy#BLOCK} replay misses none, and replayed slots
     * are read validated, so a transition a racing producer overwrote meanwhile (a {@link Policy#GAP} replay) shows
     * as a gap notice, never as wrong longs.
     *
     * @param policy       what happens when this subscription is a whole ring behind.
     * @param fromSequence the first sequence to receive, at least 1.
     * @return a new open subscription, joined at {@code fromSequence - 1} and its {@code from} value.
     * @throws ReplayUnavailableException if {@code fromSequence} is no longer, or not yet, in the ring.
     * @throws StateBusClosedException    if the bus is closed.
     */
    public LongSubscription subscribe(final Policy policy, final long fromSequence)
    {
        return new LongSubscription(new Subscription<>(null, core.joinFrom(policy, fromSequence, "value")));
    }

    /**
     * Joins and starts a dedicated thread (from the builder's thread factory) that waits with the bus's wait
     * strategy and delivers every transition to {@code handler}, as {@link Subscribes#subscribe(Policy,
     * TransitionHandler)} does.
     *
     * @param policy  what happens when this subscription is a whole ring behind.
     * @param handler receives the transitions on the handler thread.
     * @return the running subscription; {@link LongSubscription#poll} is not available on it.
     * @throws StateBusClosedException if the bus is closed.
     */
    public LongSubscription subscribe(final Policy policy, final LongTransitionHandler handler)
    {
        final LongDelivery delivery = new LongDelivery(Objects.requireNonNull(handler, "handler must not be null"));
        return new LongSubscription(new Subscription<>(null, core.onHandlerThread(policy, delivery)));
    }

    /**
     * Joins and delivers every transition to {@code handler} on {@code executor}: in order, never two callbacks
     * at once, with no queue but the ring, as {@link Subscribes#subscribe(Policy, TransitionHandler, Executor)} does.
     *
     * @param policy   what happens when this subscription is a whole ring behind.
     * @param handler  receives the transitions on the executor's threads, one call at a time.
     * @param executor runs the delivery tasks.
     * @return the subscription; {@link LongSubscription#poll} is not available on it.
     * @throws StateBusClosedException if the bus is closed.
     */
    public LongSubscription subscribe(final Policy policy, final LongTransitionHandler handler, final Executor executor)
    {
        final LongDelivery delivery = new LongDelivery(Objects.requireNonNull(handler, "handler must not be null"));
        return new LongSubscription(new Subscription<>(null, core.onExecutor(policy, delivery, executor)));
    }

    @Override
    public PendingAwait<Long> prepareAwait(final LongPredicate predicate)
    {
        Objects.requireNonNull(predicate, "predicate must not be null");
        return core.awaitFor(value -> predicate.test(value));
    }

    @Override
    public PendingAwait<Long> prepareAwaitChange()
    {
        return core.awaitChange();
    }

    /** The producer, for tests of the publish path. */
    Producer<Long> producer()
    {
        return producer;
    }

    @Override
    public String toString()
    {
        return "LongStateBus{value=" + get() + core.describe(true);
    }
}
