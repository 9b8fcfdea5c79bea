package io.statebus;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import io.statebus.consume.HandlerThreadFactory;
import io.statebus.consume.HandlerThreadWaitStrategy;
import io.statebus.consume.LoggedErrors;
import io.statebus.publish.MultiProducer;
import io.statebus.publish.Producer;
import io.statebus.publish.SingleProducer;
import io.statebus.publish.TransitionRules;
import io.statebus.read.Subscriptions;
import io.statebus.ring.NoClock;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.List;
import java.util.Objects;
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
    private static final int MAX_CAPACITY = 1 << 30;

    private final long initial;
    private int capacity = 1024;
    private ProducerMode mode = ProducerMode.MULTI;
    private WaitStrategy waitStrategy = new BlockingWaitStrategy();
    private IdleStrategy producerIdle;
    private NanoClock clock = NoClock.INSTANCE;
    private boolean publishUnchanged;
    private ThreadFactory handlerThreadFactory = new HandlerThreadFactory();
    private Policy awaitPolicy = Policy.BLOCK;
    private ErrorHandler errorHandler = LoggedErrors.INSTANCE;

    LongStateBusBuilder(final long initial)
    {
        this.initial = initial;
    }

    /**
     * @param capacity the ring's slots: a power of two from 2 to 2^30. Allocated at build, fixed for life.
     * @return this builder.
     */
    public LongStateBusBuilder capacity(final int capacity)
    {
        if (capacity < 2 || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two from 2 to " + MAX_CAPACITY +
                ", got " + capacity);
        }
        this.capacity = capacity;
        return this;
    }

    /**
     * @param mode one producer thread ({@link ProducerMode#SINGLE}: the first thread to change the value owns the
     *             bus), or any thread ({@link ProducerMode#MULTI}).
     * @return this builder.
     */
    public LongStateBusBuilder producerMode(final ProducerMode mode)
    {
        this.mode = Objects.requireNonNull(mode, "producerMode must not be null");
        return this;
    }

    /**
     * @param waitStrategy how handler threads wait for transitions (busy-spin, yielding, blocking, ...).
     * @return this builder.
     */
    public LongStateBusBuilder waitStrategy(final WaitStrategy waitStrategy)
    {
        this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy must not be null");
        return this;
    }

    /**
     * @param idleStrategy how a producer waits while a {@link Policy#BLOCK} subscription is a whole ring behind.
     * @return this builder.
     */
    public LongStateBusBuilder producerIdleStrategy(final IdleStrategy idleStrategy)
    {
        this.producerIdle = Objects.requireNonNull(idleStrategy, "idleStrategy must not be null");
        return this;
    }

    /**
     * @param clock stamps each transition ({@link LongTransition#timestampNanos()}); read once per publish.
     * @return this builder.
     */
    public LongStateBusBuilder clock(final NanoClock clock)
    {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        return this;
    }

    /**
     * @param publishUnchanged whether setting the current value again publishes {@code x -> x} (default: no).
     * @return this builder.
     */
    public LongStateBusBuilder publishUnchanged(final boolean publishUnchanged)
    {
        this.publishUnchanged = publishUnchanged;
        return this;
    }

    /**
     * @param threadFactory makes the threads of {@link LongStateBus#subscribe(Policy, LongTransitionHandler)}.
     * @return this builder.
     */
    public LongStateBusBuilder handlerThreadFactory(final ThreadFactory threadFactory)
    {
        this.handlerThreadFactory = Objects.requireNonNull(threadFactory, "threadFactory must not be null");
        return this;
    }

    /**
     * @param policy the policy of the private subscription behind each await (default {@link Policy#BLOCK}).
     * @return this builder.
     */
    public LongStateBusBuilder awaitPolicy(final Policy policy)
    {
        this.awaitPolicy = Objects.requireNonNull(policy, "awaitPolicy must not be null");
        return this;
    }

    /**
     * @param errorHandler receives what handler threads' and executor subscriptions' handlers throw.
     * @return this builder.
     */
    public LongStateBusBuilder errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler must not be null");
        return this;
    }

    /**
     * Allocates the ring and publishes sequence 0, the initial value.
     *
     * @return a new bus.
     * @throws IllegalArgumentException if the ring would take more than half of the maximum heap.
     */
    public LongStateBus build()
    {
        final boolean stamped = clock != NoClock.INSTANCE;
        checkHeap(stamped);
        final HandlerThreadWaitStrategy waits = new HandlerThreadWaitStrategy(waitStrategy);
        final TransitionRing ring = TransitionRing.forValues(capacity, initial, stamped, waits.forRing());
        // a value bus's words carry no state id: one placeholder state, id 0; the values travel beside the word
        final StateIds<Long> ids = StateIds.forStates(List.of(0L));
        final TransitionRules rules = new TransitionRules(ids, null, publishUnchanged);
        // one idle strategy per bus: it has state, and two buses built by one builder may wait at once
        final IdleStrategy idle = producerIdle != null ? producerIdle : new BackoffIdleStrategy(64, 16, 1, 50_000);
        final Producer<Long> producer = mode == ProducerMode.MULTI ?
            new MultiProducer<>(ring, ids, rules, clock, idle) : new SingleProducer<>(ring, ids, rules, clock, idle);
        return new LongStateBus(ring, producer, new Subscriptions<>(ring, ids, producer), waits,
            handlerThreadFactory, awaitPolicy, mode, errorHandler);
    }

    private void checkHeap(final boolean stamped)
    {
        final long bytes = (stamped ? 32L : 24L) * capacity; // the word, two longs, and a timestamp if stamped
        final long maxHeap = Runtime.getRuntime().maxMemory();
        if (bytes > maxHeap / 2)
        {
            throw new IllegalArgumentException("capacity " + capacity + " needs about " + (bytes >> 20) +
                " MiB for its slots, more than half of this JVM's maximum heap (" + (maxHeap >> 20) + " MiB)");
        }
    }
}
