package io.statebus;

import com.lmax.disruptor.WaitStrategy;
import io.statebus.consume.HandlerThreadWaitStrategy;
import io.statebus.publish.Producer;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * Builds a {@link ValueStateBus}, from {@link StateBus#valueBuilder(Object)}. Defaults, as a
 * {@link StateBusBuilder}'s: capacity 1024, {@link ProducerMode#MULTI}, a blocking wait strategy, no clock
 * (timestamps 0), unchanged values (by {@link Object#equals}) not published, awaits {@link Policy#BLOCK}, handler
 * failures logged; and {@code null} refused unless {@link #nullable(boolean) nullable(true)}.
 *
 * <pre>{@code
 * ValueStateBus<Config> config = StateBus.<Config>valueBuilder(null).nullable(true).capacity(64).build();
 * }</pre>
 *
 * @param <T> the type of the values.
 */
public final class ValueStateBusBuilder<T>
{
    private final T initial;
    private final BusSettings settings = new BusSettings();
    private boolean nullable;

    ValueStateBusBuilder(final T initial)
    {
        this.initial = initial;
    }

    /**
     * @param nullable whether {@code null} is a value this bus may hold (default: no, and setting it throws
     *                 {@link NullPointerException}); needed when the initial value is null ("not known yet").
     * @return this builder.
     */
    public ValueStateBusBuilder<T> nullable(final boolean nullable)
    {
        this.nullable = nullable;
        return this;
    }

    /**
     * @param capacity the ring's slots: a power of two from 2 to 2^30, and at build at most 2^29 (a slot is 2
     *                 references of one array) and half of the maximum heap. Allocated at build, fixed for life.
     * @return this builder.
     */
    public ValueStateBusBuilder<T> capacity(final int capacity)
    {
        settings.capacity(capacity);
        return this;
    }

    /**
     * @param mode one producer thread ({@link ProducerMode#SINGLE}: the first thread to change the value owns the
     *             bus), or any thread ({@link ProducerMode#MULTI}).
     * @return this builder.
     */
    public ValueStateBusBuilder<T> producerMode(final ProducerMode mode)
    {
        settings.producerMode(mode);
        return this;
    }

    /**
     * @param waitStrategy how handler threads wait for transitions (busy-spin, yielding, blocking, ...).
     * @return this builder.
     */
    public ValueStateBusBuilder<T> waitStrategy(final WaitStrategy waitStrategy)
    {
        settings.waitStrategy(waitStrategy);
        return this;
    }

    /**
     * @param idleStrategy how a producer waits while a {@link Policy#BLOCK} subscription is a whole ring behind.
     * @return this builder.
     */
    public ValueStateBusBuilder<T> producerIdleStrategy(final IdleStrategy idleStrategy)
    {
        settings.producerIdleStrategy(idleStrategy);
        return this;
    }

    /**
     * @param clock stamps each transition ({@link Transition#timestampNanos()}); read once per publish.
     * @return this builder.
     */
    public ValueStateBusBuilder<T> clock(final NanoClock clock)
    {
        settings.clock(clock);
        return this;
    }

    /**
     * @param publishUnchanged whether setting a value equal to the current one publishes {@code x -> x}
     *                         (default: no, as the comparison by {@link Object#equals} finds it unchanged).
     * @return this builder.
     */
    public ValueStateBusBuilder<T> publishUnchanged(final boolean publishUnchanged)
    {
        settings.publishUnchanged = publishUnchanged;
        return this;
    }

    /**
     * The threads of handler subscriptions. Default: daemon threads named {@code statebus-handler-N}, so they never
     * keep a JVM alive; a JVM that exits before its bus is closed and its handler threads joined may end them
     * before they delivered everything.
     *
     * @param threadFactory makes the threads of {@link Subscribes#subscribe(Policy, TransitionHandler)}.
     * @return this builder.
     */
    public ValueStateBusBuilder<T> handlerThreadFactory(final ThreadFactory threadFactory)
    {
        settings.handlerThreadFactory(threadFactory);
        return this;
    }

    /**
     * @param policy the policy of the private subscription behind each await (default {@link Policy#BLOCK}).
     * @return this builder.
     */
    public ValueStateBusBuilder<T> awaitPolicy(final Policy policy)
    {
        settings.awaitPolicy(policy);
        return this;
    }

    /**
     * @param errorHandler receives what handler threads' and executor subscriptions' handlers throw.
     * @return this builder.
     */
    public ValueStateBusBuilder<T> errorHandler(final ErrorHandler errorHandler)
    {
        settings.errorHandler(errorHandler);
        return this;
    }

    /**
     * Allocates the ring and publishes sequence 0, the initial value.
     *
     * @return a new bus.
     * @throws IllegalArgumentException if the initial value is null and the bus is not {@link #nullable}, the
     *                                  capacity is over 2^29, or the ring would take more than half of the maximum
     *                                  heap.
     */
    public ValueStateBus<T> build()
    {
        if (initial == null && !nullable)
        {
            throw new IllegalArgumentException("the initial value is null but this bus does not allow null: " +
                "build it with nullable(true)");
        }
        final boolean stamped = settings.stamped();
        // the word, two references (at most 8 bytes each), and a timestamp if stamped
        settings.checkHeap(stamped ? 32L : 24L, 2, 0, 0);
        final HandlerThreadWaitStrategy waits = new HandlerThreadWaitStrategy(settings.waitStrategy);
        final TransitionRing ring = TransitionRing.forReferences(settings.capacity, initial, stamped, waits.forRing());
        // the words carry no state id: one placeholder state, id 0; the values travel beside the word
        final StateIds<T> ids = placeholderIds();
        final Producer<T> producer = settings.producer(ring, ids);
        return new ValueStateBus<>(settings.core(ids, ring, producer, waits), nullable);
    }

    @SuppressWarnings("unchecked")
    private static <T> StateIds<T> placeholderIds()
    {
        // never asked for a state by id: every from and to of this bus is a reference beside the word
        return (StateIds<T>)(StateIds<?>)StateIds.forStates(List.of(Placeholder.INSTANCE));
    }

    /** The one placeholder state of a reference bus's id table: its ids are never read. */
    private enum Placeholder
    {
        INSTANCE
    }
}
