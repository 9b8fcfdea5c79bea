package io.statebus;

import io.statebus.consume.EngineAccess;
import io.statebus.publish.Producer;
import io.statebus.publish.PublishResult;
import io.statebus.ring.StateIds;
import io.statebus.ring.LatestTransition;
import io.statebus.ring.TransitionRing;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An in-process bus for the state of one component: every change of state {@code (from, to)} is published into
 * one preallocated LMAX Disruptor ring, and every subscription sees every transition after it joined, in order.
 *
 * <pre>{@code
 * StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED).capacity(1024).build();
 * Subscription<Connection> log = bus.subscribe(Policy.BLOCK);
 *
 * bus.set(Connection.CONNECTING);                  // producer thread
 * bus.set(Connection.CONNECTED);
 *
 * log.poll((t, endOfBatch) -> System.out.println(t.from() + " -> " + t.to()), 64);   // consumer thread
 * }</pre>
 *
 * <p>Memory is fixed when the bus is built: {@code capacity} slots, plus a sequence and a barrier per
 * subscription. Publishing and polling allocate nothing per transition. A {@link Policy#BLOCK} subscription
 * that is a whole ring behind makes producers wait; a {@link Policy#GAP} subscription is lapped instead and told
 * exactly what it missed.
 *
 * <p>Thread safety: {@link #get()} and the counters may be read from any thread. Who may publish depends on the
 * {@link ProducerMode}. Each subscription is consumed by one thread at a time.
 *
 * @param <S> the state type: an enum, or any type whose states are all listed at build time.
 */
public final class StateBus<S> extends SubscriptionFrontEnd<S> implements Subscribes<S>, Awaits<S>, BusStatus
{
    /** What {@link #set} returns when the state already had that value and nothing was published. */
    public static final long NOT_PUBLISHED = PublishResult.NOT_PUBLISHED;

    private final StateIds<S> ids;
    /** The core's ring and producer, held here too: {@link #get()} and {@link #set} are one call from the engine. */
    private final TransitionRing ring;
    private final Producer<S> producer;

    StateBus(final StateIds<S> ids, final BusCore<S> core)
    {
        super(core, "state");
        this.ids = ids;
        this.ring = core.ring();
        this.producer = core.producer();
    }

    /**
     * Starts a builder for a bus whose states are the constants of an enum.
     *
     * @param initial the initial state (sequence 0); not null.
     * @param <E>     the enum type.
     * @return a builder.
     */
    public static <E extends Enum<E>> StateBusBuilder<E> builder(final E initial)
    {
        Objects.requireNonNull(initial, "initial state must not be null");
        return new StateBusBuilder<>(initial, StateIds.forEnum(initial.getDeclaringClass()));
    }

    /**
     * Starts a builder for a bus whose states are the listed values (compared with {@code equals}). Listing them
     * keeps memory fixed and lets a slot hold small ids.
     *
     * @param initial the initial state; not null and one of {@code states}.
     * @param states  every state the bus may take, at most 4,096, no duplicates, no null.
     * @param <S>     the state type.
     * @return a builder.
     */
    public static <S> StateBusBuilder<S> builder(final S initial, final List<S> states)
    {
        Objects.requireNonNull(initial, "initial state must not be null");
        return new StateBusBuilder<>(initial, StateIds.forStates(states));
    }

    /**
     * Starts a builder for a bus whose state is a primitive {@code long} (a price in ticks, a position, a counter),
     * published and delivered with no boxing.
     *
     * @param initial the initial value (sequence 0).
     * @return a builder.
     */
    public static LongStateBusBuilder longBuilder(final long initial)
    {
        return new LongStateBusBuilder(initial);
    }

    /**
     * A builder of a bus whose state is any value ({@link ValueStateBus}), compared with {@link Object#equals}.
     *
     * <pre>{@code
     * ValueStateBus<BigDecimal> price = StateBus.valueBuilder(BigDecimal.ZERO).build();
     * ValueStateBus<Config> config = StateBus.<Config>valueBuilder(null).nullable(true).build();
     * }</pre>
     *
     * @param initial the initial value (null only with {@link ValueStateBusBuilder#nullable(boolean)}).
     * @param <T>     the type of the values.
     * @return a new builder.
     */
    public static <T> ValueStateBusBuilder<T> valueBuilder(final T initial)
    {
        return new ValueStateBusBuilder<>(initial);
    }

    /**
     * The current state: the {@code to} of the latest published transition. Wait-free: two loads, no loop.
     *
     * @return the current state.
     */
    public S get()
    {
        return ids.stateOf(LatestTransition.stateId(ring));
    }

    /**
     * Changes the state and publishes the transition, waiting while a {@link Policy#BLOCK} subscription is a
     * whole ring behind.
     *
     * @param next the new state; not null.
     * @return the sequence of the published transition, or {@link #NOT_PUBLISHED} if the state already was
     *     {@code next} (and the bus does not publish unchanged values).
     * @throws ForbiddenTransitionException if the transition table forbids it; nothing changed.
     * @throws StateBusClosedException      if the bus is closed, also while waiting; nothing changed.
     * @throws IllegalStateException        on a single-producer bus, from a second thread, or on a mirror's bus;
     *                                      nothing changed.
     */
    public long set(final S next)
    {
        return producer.publish(-1, ids.idOf(next), PublishResult.NO_DEADLINE);
    }

    /**
     * Changes the state unless back-pressure (or, with many producers, another producer) lasts past the timeout;
     * then gives up, changing and publishing nothing.
     *
     * @param next    the new state; not null.
     * @param timeout how long to wait at most; not negative.
     * @param unit    the unit of {@code timeout}.
     * @return true if the state is now {@code next} (published, or already so); false if it timed out.
     * @throws InterruptedException         if interrupted while waiting; nothing changed.
     * @throws IllegalArgumentException     if {@code timeout} is negative; nothing changed.
     * @throws ForbiddenTransitionException if the transition table forbids it; nothing changed.
     * @throws StateBusClosedException      if the bus is closed, also while waiting; nothing changed.
     * @throws IllegalStateException        as for {@link #set}; nothing changed.
     */
    public boolean trySet(final S next, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return trySet(next, Deadlines.of(timeout, unit));
    }

    private boolean trySet(final S next, final long deadline) throws InterruptedException
    {
        final long result = producer.publish(-1, ids.idOf(next), deadline);
        if (result == PublishResult.INTERRUPTED)
        {
            throw new InterruptedException("interrupted while waiting to publish " + next + "; nothing was published");
        }
        return result != PublishResult.TIMED_OUT;
    }

    /**
     * {@link #trySet(Object, long, TimeUnit)} with a {@link Duration}.
     *
     * @param next    the new state; not null.
     * @param timeout how long to wait at most; not negative.
     * @return true if the state is now {@code next} (published, or already so); false if it timed out.
     * @throws InterruptedException         if interrupted while waiting; nothing changed.
     * @throws IllegalArgumentException     if {@code timeout} is negative; nothing changed.
     * @throws ForbiddenTransitionException if the transition table forbids it; nothing changed.
     * @throws StateBusClosedException      if the bus is closed, also while waiting; nothing changed.
     * @throws IllegalStateException        as for {@link #set}; nothing changed.
     */
    public boolean trySet(final S next, final Duration timeout) throws InterruptedException
    {
        return trySet(next, Deadlines.of(timeout));
    }

    /**
     * Changes the state to {@code next} only if it is {@code expected}; linearizable with every other producer.
     * A compare that fails against the current state answers at once, without waiting for other producers.
     *
     * @param expected the state the caller believes is current; not null.
     * @param next     the new state; not null.
     * @return true if the state was {@code expected} and is now {@code next}.
     * @throws ForbiddenTransitionException if the state was {@code expected} but the table forbids the move.
     * @throws StateBusClosedException      if the bus is closed; nothing changed.
     * @throws IllegalStateException        as for {@link #set}; nothing changed.
     */
    public boolean compareAndSet(final S expected, final S next)
    {
        final int expectedId = ids.idOf(expected);
        return producer.publish(expectedId, ids.idOf(next), PublishResult.NO_DEADLINE) != PublishResult.CAS_FAILED;
    }

    @Override
    StateBus<S> subscriptionsBus()
    {
        return this;
    }

    /**
     * Joins the bus as a pipeline stage after {@code upstream}: this subscription sees a transition only once every
     * upstream stage has consumed it (chains and diamonds, as the Disruptor's {@code handleEventsWith(a).then(b)}),
     * for example journal, then replicate, then business logic. Consume it with {@link Subscription#poll}. With
     * {@link Policy#BLOCK} nothing is lost along the graph: the producer waits for the slowest stage. A closed or
     * failed upstream stage stops holding this one back. Stages are made upstream first, so a graph has no cycle.
     *
     * @param upstream the stages this one comes after: subscriptions of this bus, at least one.
     * @param policy   what happens when this subscription is a whole ring behind.
     * @return a new open subscription.
     * @throws IllegalArgumentException if {@code upstream} is empty or holds a subscription of another bus.
     * @throws StateBusClosedException  if the bus is closed.
     */
    public Subscription<S> subscribeAfter(final List<Subscription<S>> upstream, final Policy policy)
    {
        return new Subscription<>(this, core.joinAfter(policy, PipelineStages.readers(this, upstream)));
    }

    /**
     * {@link #subscribeAfter(List, Policy)} consumed by a dedicated handler thread, as
     * {@link Subscribes#subscribe(Policy, TransitionHandler)} is.
     *
     * @param upstream the stages this one comes after: subscriptions of this bus, at least one.
     * @param policy   what happens when this subscription is a whole ring behind.
     * @param handler  receives the transitions on the handler thread.
     * @return the running subscription.
     * @throws IllegalArgumentException if {@code upstream} is empty or holds a subscription of another bus.
     * @throws StateBusClosedException  if the bus is closed.
     */
    public Subscription<S> subscribeAfter(
        final List<Subscription<S>> upstream, final Policy policy, final TransitionHandler<S> handler)
    {
        Objects.requireNonNull(handler, "handler must not be null");
        return new Subscription<>(this,
            core.onHandlerThread(core.joinAfter(policy, PipelineStages.readers(this, upstream)), handler));
    }

    @Override
    public PendingAwait<S> prepareAwait(final S state)
    {
        final int id = ids.idOf(state);
        return core.awaitFor(s -> ids.idOf(s) == id);
    }

    @Override
    public PendingAwait<S> prepareAwait(final Predicate<? super S> predicate)
    {
        return core.awaitFor(Objects.requireNonNull(predicate, "predicate must not be null"));
    }

    @Override
    public PendingAwait<S> prepareAwaitChange()
    {
        return core.awaitChange();
    }

    /** The producer, for tests of the publish path. */
    Producer<S> producer()
    {
        return producer;
    }

    static
    {
        // the engine, for this module's adapters in other packages (io.statebus.flow), in a package the module does not export
        EngineAccess.install(new BusEngineAccess());
    }

    @Override
    public String toString()
    {
        return "StateBus{state=" + get() + core.describe(true);
    }
}
