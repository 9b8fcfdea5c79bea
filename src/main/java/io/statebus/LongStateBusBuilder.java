package io.statebus;

import com.lmax.disruptor.WaitStrategy;
import io.statebus.consume.HandlerThreadWaitStrategy;
import io.statebus.publish.LongMirrorProducer;
import io.statebus.publish.Producer;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.List;
import java.util.concurrent.ThreadFactory;

/**
 * Builds a {@link LongStateBus}, from {@link StateBus#longBuilder(long)}. Defaults, as a {@link StateBusBuilder}'s:
 * capacity 1024, {@link ProducerMode#MULTI}, a blocking wait strategy, no clock (timestamps 0), unchanged values
 * not published, awaits {@link Policy#BLOCK}, handler failures logged.
 *
 * <pre>{@code
 * LongStateBus position = StateBus.longBuilder(0).capacity(4096).producerMode(ProducerMode.SINGLE).build();
 * }</pre>
 */
public final class LongStateBusBuilder
{
    private final long initial;
    private final BusSettings settings = new BusSettings();

    LongStateBusBuilder(final long initial)
    {
        this.initial = initial;
    }

    /**
     * @param capacity the ring's slots: a power of two from 2 to 2^30, and at build at most 2^28 (a slot is 4 longs of
     *                 one array) and half of the maximum heap. Allocated at build, fixed for life.
     * @return this builder.
     */
    public LongStateBusBuilder capacity(final int capacity)
    {
        settings.capacity(capacity);
        return this;
    }

    /**
     * @param mode one producer thread ({@link ProducerMode#SINGLE}: the first thread to change the value owns the
     *             bus), or any thread ({@link ProducerMode#MULTI}).
     * @return this builder.
     */
    public LongStateBusBuilder producerMode(final ProducerMode mode)
    {
        settings.producerMode(mode);
        return this;
    }

    /**
     * @param waitStrategy how handler threads wait for transitions (busy-spin, yielding, blocking, ...).
     * @return this builder.
     */
    public LongStateBusBuilder waitStrategy(final WaitStrategy waitStrategy)
    {
        settings.waitStrategy(waitStrategy);
        return this;
    }

    /**
     * @param idleStrategy how a producer waits while a {@link Policy#BLOCK} subscription is a whole ring behind.
     * @return this builder.
     */
    public LongStateBusBuilder producerIdleStrategy(final IdleStrategy idleStrategy)
    {
        settings.producerIdleStrategy(idleStrategy);
        return this;
    }

    /**
     * @param clock stamps each transition ({@link LongTransition#timestampNanos()}); read once per publish.
     * @return this builder.
     */
    public LongStateBusBuilder clock(final NanoClock clock)
    {
        settings.clock(clock);
        return this;
    }

    /**
     * @param publishUnchanged whether setting the current value again publishes {@code x -> x} (default: no).
     * @return this builder.
     */
    public LongStateBusBuilder publishUnchanged(final boolean publishUnchanged)
    {
        settings.publishUnchanged = publishUnchanged;
        return this;
    }

    /**
     * The threads of handler subscriptions. Default: daemon threads named {@code statebus-handler-N}, so they never
     * keep a JVM alive; a JVM that exits before its bus is closed and its handler threads joined may end them
     * before they delivered everything.
     *
     * @param threadFactory makes the threads of {@link LongStateBus#subscribe(Policy, LongTransitionHandler)}.
     * @return this builder.
     */
    public LongStateBusBuilder handlerThreadFactory(final ThreadFactory threadFactory)
    {
        settings.handlerThreadFactory(threadFactory);
        return this;
    }

    /**
     * @param policy the policy of the private subscription behind each await (default {@link Policy#BLOCK}).
     * @return this builder.
     */
    public LongStateBusBuilder awaitPolicy(final Policy policy)
    {
        settings.awaitPolicy(policy);
        return this;
    }

    /**
     * @param errorHandler receives what handler threads' and executor subscriptions' handlers throw.
     * @return this builder.
     */
    public LongStateBusBuilder errorHandler(final ErrorHandler errorHandler)
    {
        settings.errorHandler(errorHandler);
        return this;
    }

    /**
     * Allocates the ring and publishes sequence 0, the initial value.
     *
     * @return a new bus.
     * @throws IllegalArgumentException if the capacity is over 2^28, or the ring would take more than half of the
     *                                  maximum heap.
     */
    public LongStateBus build()
    {
        final boolean stamped = settings.stamped();
        settings.checkHeap(stamped ? 40L : 32L, 4, 0, 0); // the word, two longs, a spare, and a timestamp if stamped
        final HandlerThreadWaitStrategy waits = new HandlerThreadWaitStrategy(settings.waitStrategy);
        final TransitionRing ring = TransitionRing.forValues(settings.capacity, initial, stamped, waits.forRing());
        // a value bus's words carry no state id: one placeholder state, id 0; the values travel beside the word
        final StateIds<Long> ids = StateIds.forStates(List.of(0L));
        final Producer<Long> producer = settings.producer(ring, ids);
        return new LongStateBus(settings.core(ids, ring, producer, waits));
    }

    /**
     * Builds the local copy of a long bus that lives elsewhere (another process or host): its transitions come from
     * the returned {@link LongMirror}'s {@code append}, at the source's sequences and with the source's timestamps.
     * The builder's initial value is the source's value at {@code sequence}. The producer mode, clock and
     * {@code publishUnchanged} do not apply: the source decided those.
     *
     * @param sequence       the source's sequence the mirror starts at (its latest when the mirror joined), at least 0
     *                       and below {@link LongMirror#SEQUENCE_LIMIT}.
     * @param from           the {@code from} of the source's transition at {@code sequence} (the initial value at 0).
     * @param timestampNanos that transition's timestamp.
     * @return the mirror; {@link LongMirror#bus()} is its bus.
     * @throws IllegalArgumentException if {@code sequence} is negative or not below the limit, the capacity is over
     *                                  2^28, or the ring would take more than half of the maximum heap.
     */
    public LongMirror buildMirror(final long sequence, final long from, final long timestampNanos)
    {
        if (sequence < 0)
        {
            throw new IllegalArgumentException("sequence must be at least 0, got " + sequence);
        }
        settings.checkHeap(40L, 4, 0, 0); // the word, two longs, a spare and a timestamp
        final HandlerThreadWaitStrategy waits = new HandlerThreadWaitStrategy(settings.waitStrategy);
        final TransitionRing ring =
            TransitionRing.forValuesFrom(settings.capacity, sequence, from, initial, timestampNanos, waits.forRing());
        final StateIds<Long> ids = StateIds.forStates(List.of(0L));
        final LongMirrorProducer producer = new LongMirrorProducer(ring, ids, settings.idle());
        return new LongMirror(new LongStateBus(settings.mirrorCore(ids, ring, producer, waits)), producer);
    }
}
