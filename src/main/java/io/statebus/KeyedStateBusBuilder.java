package io.statebus;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import io.statebus.consume.HandlerThreadFactory;
import io.statebus.consume.HandlerThreadWaitStrategy;
import io.statebus.consume.LoggedErrors;
import io.statebus.keys.KeyTable;
import io.statebus.publish.KeyedPublisher;
import io.statebus.publish.MultiProducer;
import io.statebus.publish.Producer;
import io.statebus.publish.SingleProducer;
import io.statebus.publish.TransitionRules;
import io.statebus.ring.NoClock;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.Objects;

/**
 * Builds a {@link KeyedStateBus}. Defaults as {@link StateBusBuilder}'s (capacity 1024, {@link ProducerMode#MULTI},
 * no clock, {@link BlockingWaitStrategy} for handler threads, {@code BLOCK} awaits), and at most 65,536 live keys.
 *
 * @param <S> the state type.
 */
public final class KeyedStateBusBuilder<S>
{
    private final StateIds<S> table;
    private int capacity = 1024;
    private int maxKeys = 1 << 16;
    private ProducerMode mode = ProducerMode.MULTI;
    private WaitStrategy waitStrategy = new BlockingWaitStrategy();
    private NanoClock clock = NoClock.INSTANCE;
    private boolean publishUnchanged;
    private boolean[] allowed;
    private boolean[] retireOn;
    private Policy awaitPolicy = Policy.BLOCK;
    private ErrorHandler errorHandler = LoggedErrors.INSTANCE;

    KeyedStateBusBuilder(final StateIds<S> table)
    {
        this.table = table;
    }

    /**
     * @param capacity the ring's slots, shared by every key: a power of two from 2 to 2^30.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> capacity(final int capacity)
    {
        if (capacity < 2 || capacity > 1 << 30 || Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two from 2 to 2^30, got " + capacity);
        }
        this.capacity = capacity;
        return this;
    }

    /**
     * @param maxKeys the most keys open at once (the table takes 32 bytes a key, rounded up to a power of two):
     *                opening one more is refused with {@link IllegalStateException}, changing nothing.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> maxKeys(final int maxKeys)
    {
        if (maxKeys < 1 || maxKeys > 1 << 29)
        {
            throw new IllegalArgumentException("maxKeys must be from 1 to 2^29, got " + maxKeys);
        }
        this.maxKeys = maxKeys;
        return this;
    }

    /**
     * @param mode who may publish; see {@link ProducerMode}.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> producerMode(final ProducerMode mode)
    {
        this.mode = Objects.requireNonNull(mode, "mode must not be null");
        return this;
    }

    /**
     * @param waitStrategy how handler threads wait for transitions.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> waitStrategy(final WaitStrategy waitStrategy)
    {
        this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy must not be null");
        return this;
    }

    /**
     * @param clock stamps every transition ({@link Transition#timestampNanos()}).
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> clock(final NanoClock clock)
    {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        return this;
    }

    /**
     * @param publishUnchanged whether setting a key to the state it has publishes {@code X -> X}.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> publishUnchanged(final boolean publishUnchanged)
    {
        this.publishUnchanged = publishUnchanged;
        return this;
    }

    /**
     * Allows a key to move from one state to others; once any is allowed, every other move is refused with
     * {@link ForbiddenTransitionException}.
     *
     * @param from a state.
     * @param to   the states a key in {@code from} may move to.
     * @return this builder.
     */
    @SafeVarargs
    public final KeyedStateBusBuilder<S> allow(final S from, final S... to)
    {
        final int fromId = table.idOf(from);
        Objects.requireNonNull(to, "allowed target states must not be null");
        final int[] toIds = new int[to.length];
        for (int i = 0; i < to.length; i++)
        {
            toIds[i] = table.idOf(to[i]); // check every state before recording any: a refused call changes nothing
        }
        if (allowed == null && toIds.length != 0)
        {
            allowed = new boolean[table.size() * table.size()];
        }
        for (final int toId : toIds)
        {
            allowed[fromId * table.size() + toId] = true;
        }
        return this;
    }

    /**
     * Final states: a key that reaches one is retired as its transition is published (its table slot is free
     * again, and it is unknown from then on). What keeps a day of orders within a table of the live ones.
     *
     * @param terminal the final states.
     * @return this builder.
     */
    @SafeVarargs
    public final KeyedStateBusBuilder<S> retireOn(final S... terminal)
    {
        Objects.requireNonNull(terminal, "terminal states must not be null");
        final boolean[] retiring = new boolean[table.size()];
        for (final S state : terminal)
        {
            retiring[table.idOf(state)] = true;
        }
        this.retireOn = retiring;
        return this;
    }

    /**
     * @param policy how an await's private subscription behaves when the bus is a whole ring ahead of it.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> awaitPolicy(final Policy policy)
    {
        this.awaitPolicy = Objects.requireNonNull(policy, "awaitPolicy must not be null");
        return this;
    }

    /**
     * @param errorHandler told what a handler thread's or executor's handler threw.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler must not be null");
        return this;
    }

    /**
     * Allocates the ring and the key table.
     *
     * @return the bus, with no key open.
     */
    public KeyedStateBus<S> build()
    {
        final boolean stamped = clock != NoClock.INSTANCE;
        final HandlerThreadWaitStrategy waits = new HandlerThreadWaitStrategy(waitStrategy);
        final TransitionRing ring = TransitionRing.forKeys(capacity, 0, stamped, waits.forRing());
        final TransitionRules rules = new TransitionRules(table, allowed, publishUnchanged);
        final BackoffIdleStrategy idle = new BackoffIdleStrategy(64, 16, 1, 50_000);
        final Producer<S> producer = mode == ProducerMode.MULTI ?
            new MultiProducer<>(ring, table, rules, clock, idle) : new SingleProducer<>(ring, table, rules, clock, idle);
        final KeyedPublisher<S> publisher =
            new KeyedPublisher<>(producer, ring, new KeyTable(maxKeys), table, rules, retireOn);
        return new KeyedStateBus<>(table, publisher,
            new BusCore<>(table, ring, producer, waits, new HandlerThreadFactory(), awaitPolicy, mode, errorHandler));
    }
}
