package io.statebus;

import io.statebus.publish.Producer;
import io.statebus.publish.PublishResult;
import io.statebus.ring.LatestTransition;
import io.statebus.ring.TransitionRing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A bus whose state is any value: a price, a configuration object, a sequence of records, or "not known yet"
 * ({@code null}, where the builder allows it). Every change {@code (from, to)} is published into one preallocated
 * ring, with the same guarantees as a {@link StateBus}; a value equal ({@link Object#equals}) to the current one
 * changes nothing. Consume it with the usual types: {@link Subscription}, {@link TransitionHandler},
 * {@link Transition}, the {@link Awaits}.
 *
 * <pre>{@code
 * ValueStateBus<Config> config = StateBus.<Config>valueBuilder(null).nullable(true).build();
 * Subscription<Config> reloads = config.subscribe(Policy.BLOCK);
 *
 * config.set(Config.load(path));                               // owner thread
 * Config first = config.awaitNotNull(Duration.ofSeconds(5)).transition().to();   // any thread
 * reloads.poll((t, endOfBatch) -> apply(t.from(), t.to()), 16);         // consumer thread
 * }</pre>
 *
 * <p>A slot holds its sequence word and, beside it, the two references, written after the word; a
 * {@link Policy#GAP} subscription lapped while it copies them finds the word changed and drops the copy, so it
 * never sees two references of two publications. {@link #get()} is lock-free and linearizable. Values should be
 * immutable (or never changed once set): subscribers receive the very objects the producer set, and the ring keeps
 * the last {@code capacity} transitions' values reachable.
 *
 * @param <T> the type of the values.
 */
public final class ValueStateBus<T> extends SubscriptionFrontEnd<T> implements Subscribes<T>, Awaits<T>, BusStatus
{
    /** What {@link #set} returns when the value already equalled {@code next} and nothing was published. */
    public static final long NOT_PUBLISHED = PublishResult.NOT_PUBLISHED;

    /** The core's ring and producer, held here too: {@link #get()} and {@link #set} are one call from the engine. */
    private final TransitionRing ring;
    private final Producer<T> producer;
    private final boolean nullable;

    ValueStateBus(final BusCore<T> core, final boolean nullable)
    {
        super(core, "value");
        this.ring = core.ring();
        this.producer = core.producer();
        this.nullable = nullable;
    }

    /** @return null: a value bus's subscriptions name no {@link StateBus}. */
    @Override
    StateBus<T> subscriptionsBus()
    {
        return null;
    }

    /**
     * The current value: the {@code to} of the latest published transition. Lock-free: it reads again only if the
     * producer went a whole ring round while it read.
     *
     * @return the current value; null only on a {@link ValueStateBusBuilder#nullable nullable} bus.
     */
    @SuppressWarnings("unchecked")
    public T get()
    {
        return (T)LatestTransition.reference(ring); // every value in the ring came from set(T) or the builder's T
    }

    /**
     * Changes the value and publishes the transition, waiting while a {@link Policy#BLOCK} subscription is a whole
     * ring behind.
     *
     * @param next the new value.
     * @return the sequence of the published transition, or {@link #NOT_PUBLISHED} if the value already equalled
     *     {@code next} (and the bus does not publish unchanged values).
     * @throws NullPointerException    if {@code next} is null and the bus is not nullable; nothing changed.
     * @throws StateBusClosedException if the bus is closed, also while waiting; nothing changed.
     * @throws IllegalStateException   on a single-producer bus, from a second thread; nothing changed.
     */
    public long set(final T next)
    {
        return producer.publishReference(false, null, checked(next), PublishResult.NO_DEADLINE);
    }

    /**
     * Changes the value unless back-pressure (or, with many producers, another producer) lasts past the timeout;
     * then gives up, changing and publishing nothing.
     *
     * @param next    the new value.
     * @param timeout how long to wait at most; not negative.
     * @return true if the value now equals {@code next} (published, or already so); false if it timed out.
     * @throws InterruptedException     if interrupted while waiting; nothing changed.
     * @throws NullPointerException     if {@code next} is null and the bus is not nullable; nothing changed.
     * @throws IllegalArgumentException if {@code timeout} is negative; nothing changed.
     * @throws StateBusClosedException  if the bus is closed, also while waiting; nothing changed.
     * @throws IllegalStateException    on a single-producer bus, from a second thread; nothing changed.
     */
    public boolean trySet(final T next, final Duration timeout) throws InterruptedException
    {
        final long result = producer.publishReference(false, null, checked(next), Deadlines.of(timeout));
        if (result == PublishResult.INTERRUPTED)
        {
            throw new InterruptedException("interrupted while waiting to publish " + next + "; nothing was published");
        }
        return result != PublishResult.TIMED_OUT;
    }

    /**
     * Changes the value to {@code next} only if it equals {@code expected} ({@link Object#equals}, so two equal
     * prices are the same price); linearizable with every other producer.
     *
     * @param expected the value the caller believes is current (null matches only null).
     * @param next     the new value.
     * @return true if the value equalled {@code expected} and is now {@code next}.
     * @throws NullPointerException    if {@code next} is null and the bus is not nullable; nothing changed.
     * @throws StateBusClosedException if the bus is closed; nothing changed.
     * @throws IllegalStateException   on a single-producer bus, from a second thread; nothing changed.
     */
    public boolean compareAndSet(final T expected, final T next)
    {
        return producer.publishReference(true, expected, checked(next), PublishResult.NO_DEADLINE) !=
            PublishResult.CAS_FAILED;
    }

    /**
     * Waits until the value is not null (at once if it is not null now), as {@link #await(Predicate, Duration)}.
     *
     * @param timeout how long to wait at most; not negative.
     * @return the outcome; when it matched, {@link Awaited#transition()}{@code .to()} is the first non-null value.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus is closed before a non-null value.
     */
    public Awaited<T> awaitNotNull(final Duration timeout) throws InterruptedException
    {
        return await(Objects::nonNull, timeout);
    }

    /**
     * {@inheritDoc}
     *
     * @throws NullPointerException if {@code state} is null and the bus is not nullable: it can never hold null, so
     *                              such an await could only time out; nothing is subscribed.
     */
    @Override
    public PendingAwait<T> prepareAwait(final T state)
    {
        if (state == null && !nullable)
        {
            throw new NullPointerException("this bus does not allow null values (build it with nullable(true)), " +
                "so it never holds null: nothing to await");
        }
        return core.awaitFor(value -> Objects.equals(value, state));
    }

    @Override
    public PendingAwait<T> prepareAwait(final Predicate<? super T> predicate)
    {
        return core.awaitFor(Objects.requireNonNull(predicate, "predicate must not be null"));
    }

    @Override
    public PendingAwait<T> prepareAwaitChange()
    {
        return core.awaitChange();
    }

    /**
     * @return whether {@code null} is a value this bus may hold.
     */
    public boolean isNullable()
    {
        return nullable;
    }

    /** The producer, for tests of the publish path. */
    Producer<T> producer()
    {
        return producer;
    }

    private T checked(final T next)
    {
        if (next == null && !nullable)
        {
            throw new NullPointerException("this bus does not allow null values (build it with nullable(true)); " +
                "nothing was published");
        }
        return next;
    }

    @Override
    public String toString()
    {
        return "ValueStateBus{value=" + get() + core.describe(true);
    }
}
