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
import io.statebus.ring.NoClock;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * The settings the value and keyed buses' builders share, checked as they are set, with the defaults of a
 * {@link StateBusBuilder}: capacity 1024, {@link ProducerMode#MULTI}, a blocking wait strategy, no clock,
 * unchanged values not published, awaits {@link Policy#BLOCK}, handler failures logged.
 */
final class BusSettings
{
    private static final int MAX_CAPACITY = 1 << 30;

    int capacity = 1024;
    ProducerMode mode = ProducerMode.MULTI;
    WaitStrategy waitStrategy = new BlockingWaitStrategy();
    private IdleStrategy producerIdle;
    NanoClock clock = NoClock.INSTANCE;
    boolean publishUnchanged;
    ThreadFactory handlerThreadFactory = new HandlerThreadFactory();
    Policy awaitPolicy = Policy.BLOCK;
    ErrorHandler errorHandler = LoggedErrors.INSTANCE;

    void capacity(final int capacity)
    {
        if (capacity < 2 || capacity > MAX_CAPACITY || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two from 2 to " + MAX_CAPACITY +
                ", got " + capacity);
        }
        this.capacity = capacity;
    }

    void producerMode(final ProducerMode mode)
    {
        this.mode = Objects.requireNonNull(mode, "producerMode must not be null");
    }

    void waitStrategy(final WaitStrategy waitStrategy)
    {
        this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy must not be null");
    }

    void producerIdleStrategy(final IdleStrategy idleStrategy)
    {
        this.producerIdle = Objects.requireNonNull(idleStrategy, "idleStrategy must not be null");
    }

    void clock(final NanoClock clock)
    {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    void handlerThreadFactory(final ThreadFactory threadFactory)
    {
        this.handlerThreadFactory = Objects.requireNonNull(threadFactory, "threadFactory must not be null");
    }

    void awaitPolicy(final Policy policy)
    {
        this.awaitPolicy = Objects.requireNonNull(policy, "awaitPolicy must not be null");
    }

    void errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler must not be null");
    }

    boolean stamped()
    {
        return clock != NoClock.INSTANCE;
    }

    /**
     * Refuses, before anything is allocated, a ring this JVM cannot hold: one whose array would be longer than Java
     * allows (a long or keyed bus's slot is 4 longs of one array, a value bus's 2 references of one: the builders'
     * 2^30 is a state bus's), or that takes, with {@code otherBytes}, more than half of the maximum heap.
     *
     * @param bytesPerSlot    what one slot costs on the heap, its timestamp included if stamped.
     * @param elementsPerSlot how many elements of its longest array one slot takes.
     * @param maxKeys         a keyed bus's key table's keys, for the message, or 0.
     * @param otherBytes      what else the bus allocates when built (a keyed bus's key table), or 0.
     * @throws IllegalArgumentException if the ring cannot be held.
     */
    void checkHeap(final long bytesPerSlot, final int elementsPerSlot, final int maxKeys, final long otherBytes)
    {
        final int most = Integer.highestOneBit((Integer.MAX_VALUE - 8) / elementsPerSlot); // the VM's longest array
        if (capacity > most)
        {
            throw new IllegalArgumentException("capacity " + capacity + " is more than this kind of bus holds, " +
                most + ": a slot takes " + elementsPerSlot + " elements of one array, and an array holds fewer than 2^31");
        }
        final long bytes = bytesPerSlot * capacity + otherBytes;
        final long maxHeap = Runtime.getRuntime().maxMemory();
        if (bytes > maxHeap / 2)
        {
            throw new IllegalArgumentException("capacity " + capacity + (maxKeys > 0 ? " with maxKeys " + maxKeys : "") +
                " needs about " + (bytes >> 20) + " MiB for its slots" + (maxKeys > 0 ? " and key table" : "") +
                ", more than half of this JVM's maximum heap (" + (maxHeap >> 20) + " MiB)");
        }
    }

    /** The producer for the mode, with a value bus's rules (no table) and an idle strategy of its own. */
    <S> Producer<S> producer(final TransitionRing ring, final StateIds<S> ids)
    {
        return producer(ring, ids, new TransitionRules(ids, null, publishUnchanged));
    }

    /** The producer for the mode, with these rules and an idle strategy of its own. */
    <S> Producer<S> producer(final TransitionRing ring, final StateIds<S> ids, final TransitionRules rules)
    {
        final IdleStrategy idle = idle();
        return mode == ProducerMode.MULTI ?
            new MultiProducer<>(ring, ids, rules, clock, idle) : new SingleProducer<>(ring, ids, rules, clock, idle);
    }

    /** @return how a producer waits for a BLOCK subscription: the one set, or a new one of its own. */
    IdleStrategy idle()
    {
        // one idle strategy per bus: it has state, and two buses built by one builder may wait at once
        return producerIdle != null ? producerIdle : new BackoffIdleStrategy(64, 16, 1, 50_000);
    }

    /** What a mirror's front-end shares: these settings, one producer (the mirror's appending thread). */
    <S> BusCore<S> mirrorCore(
        final StateIds<S> ids, final TransitionRing ring, final Producer<S> producer,
        final HandlerThreadWaitStrategy waits)
    {
        return new BusCore<>(ids, ring, producer, waits, handlerThreadFactory, awaitPolicy, ProducerMode.SINGLE,
            errorHandler);
    }

    /** What the front-ends share, built with these settings. */
    <S> BusCore<S> core(
        final StateIds<S> ids, final TransitionRing ring, final Producer<S> producer,
        final HandlerThreadWaitStrategy waits)
    {
        return new BusCore<>(ids, ring, producer, waits, handlerThreadFactory, awaitPolicy, mode, errorHandler);
    }
}
