package io.statebus;

import com.lmax.disruptor.WaitStrategy;
import io.statebus.consume.HandlerThreadWaitStrategy;
import io.statebus.keys.KeyTable;
import io.statebus.publish.KeyedMirrorProducer;
import io.statebus.publish.KeyedPublisher;
import io.statebus.publish.Producer;
import io.statebus.publish.TransitionRules;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Builds a {@link KeyedStateBus}. Defaults as {@link StateBusBuilder}'s (capacity 1024, {@link ProducerMode#MULTI},
 * no clock, {@link com.lmax.disruptor.BlockingWaitStrategy} for handler threads, {@code BLOCK} awaits), and at most 65,536 live keys.
 *
 * @param <S> the state type.
 */
public final class KeyedStateBusBuilder<S>
{
    private final StateIds<S> table;
    private final BusSettings settings = new BusSettings();
    private int maxKeys = 1 << 16;
    private boolean[] allowed;
    private boolean[] retireOn;

    KeyedStateBusBuilder(final StateIds<S> table)
    {
        this.table = table;
    }

    /**
     * @param capacity the ring's slots, shared by every key: a power of two from 2 to 2^30, and at build at most 2^28
     *                 (a slot is 4 longs of one array) and, with the key table, half of the maximum heap.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> capacity(final int capacity)
    {
        settings.capacity(capacity);
        return this;
    }

    /**
     * @param maxKeys the most keys open at once, from 1 to 2^28 (the table takes 32 bytes a key, rounded up to a power
     *                of two): opening one more is refused with {@link IllegalStateException}, changing nothing.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> maxKeys(final int maxKeys)
    {
        if (maxKeys < 1 || maxKeys > KeyTable.MOST_KEYS)
        {
            throw new IllegalArgumentException("maxKeys must be from 1 to 2^28, got " + maxKeys);
        }
        this.maxKeys = maxKeys;
        return this;
    }

    /**
     * @return the most keys open at once in a bus this builder builds ({@link #maxKeys(int)}; 65,536 unless set): what
     *     a transport that gathers a snapshot of keys for {@link #buildMirror} may hold at most.
     */
    public int maxKeys()
    {
        return maxKeys;
    }

    /**
     * @param mode who may publish; see {@link ProducerMode}.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> producerMode(final ProducerMode mode)
    {
        settings.producerMode(mode);
        return this;
    }

    /**
     * @param waitStrategy how handler threads wait for transitions.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> waitStrategy(final WaitStrategy waitStrategy)
    {
        settings.waitStrategy(waitStrategy);
        return this;
    }

    /**
     * @param idleStrategy how a producer waits while a {@link Policy#BLOCK} subscription is a whole ring behind.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> producerIdleStrategy(final IdleStrategy idleStrategy)
    {
        settings.producerIdleStrategy(idleStrategy);
        return this;
    }

    /**
     * The threads of handler subscriptions. Default: daemon threads named {@code statebus-handler-N}, so they never
     * keep a JVM alive; a JVM that exits before its bus is closed and its handler threads joined may end them
     * before they delivered everything.
     *
     * @param threadFactory makes the threads of {@link KeyedStateBus#subscribe(Policy, KeyedTransitionHandler)}.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> handlerThreadFactory(final ThreadFactory threadFactory)
    {
        settings.handlerThreadFactory(threadFactory);
        return this;
    }

    /**
     * @param clock stamps every transition ({@link Transition#timestampNanos()}).
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> clock(final NanoClock clock)
    {
        settings.clock(clock);
        return this;
    }

    /**
     * @param publishUnchanged whether setting a key to the state it has publishes {@code X -> X}.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> publishUnchanged(final boolean publishUnchanged)
    {
        settings.publishUnchanged = publishUnchanged;
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
     * again, and it is unknown from then on). What keeps a day of orders within a table of the live ones. Each call
     * adds to the final states of the calls before it, as {@link #allow} adds transitions.
     *
     * @param terminal the final states.
     * @return this builder.
     */
    @SafeVarargs
    public final KeyedStateBusBuilder<S> retireOn(final S... terminal)
    {
        Objects.requireNonNull(terminal, "terminal states must not be null");
        // a copy: a bus already built keeps its own, and a call refused for a bad state changes nothing
        final boolean[] retiring = retireOn == null ? new boolean[table.size()] : retireOn.clone();
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
        settings.awaitPolicy(policy);
        return this;
    }

    /**
     * @param errorHandler told what a handler thread's or executor's handler threw.
     * @return this builder.
     */
    public KeyedStateBusBuilder<S> errorHandler(final ErrorHandler errorHandler)
    {
        settings.errorHandler(errorHandler);
        return this;
    }

    /**
     * Allocates the ring and the key table.
     *
     * @return the bus, with no key open.
     * @throws IllegalArgumentException if the capacity is over 2^28, or the ring and key table would take more than
     *                                  half of the maximum heap.
     */
    public KeyedStateBus<S> build()
    {
        checkHeap(settings.stamped());
        final HandlerThreadWaitStrategy waits = new HandlerThreadWaitStrategy(settings.waitStrategy);
        final TransitionRing ring = TransitionRing.forKeys(settings.capacity, 0, settings.stamped(), waits.forRing());
        final TransitionRules rules = new TransitionRules(table, allowed, settings.publishUnchanged);
        final Producer<S> producer = settings.producer(ring, table, rules);
        final KeyedPublisher<S> publisher =
            new KeyedPublisher<>(producer, ring, new KeyTable(maxKeys), table, rules, retireOn);
        return new KeyedStateBus<>(table, publisher, settings.core(table, ring, producer, waits));
    }

    /**
     * Builds the local copy of a keyed bus that lives elsewhere (another process or host): its transitions come
     * from the returned {@link KeyedMirror}'s {@code append}, at the source's sequences and with the source's
     * timestamps; the keys open at {@code sequence} are given with {@link KeyedMirror#seed}. The states and the
     * final states ({@link #retireOn}) must be the source's; the producer mode, clock, allowed transitions and
     * {@code publishUnchanged} do not apply: the source decided those.
     *
     * @param sequence       the source's sequence the mirror starts at, at least 0.
     * @param timestampNanos the timestamp of the source's transition at {@code sequence}.
     * @return the mirror, with no key open until seeded; {@link KeyedMirror#bus()} is its bus.
     * @throws IllegalArgumentException if {@code sequence} is negative or not below
     *                                  {@link KeyedStateBus#SEQUENCE_LIMIT}, or as {@link #build()}.
     */
    public KeyedMirror<S> buildMirror(final long sequence, final long timestampNanos)
    {
        if (sequence < 0)
        {
            throw new IllegalArgumentException("sequence must be at least 0, got " + sequence);
        }
        checkHeap(true);
        final HandlerThreadWaitStrategy waits = new HandlerThreadWaitStrategy(settings.waitStrategy);
        final TransitionRing ring = TransitionRing.forKeysFrom(settings.capacity, sequence, timestampNanos,
            waits.forRing());
        final KeyTable keys = new KeyTable(maxKeys);
        final KeyedMirrorProducer<S> producer = new KeyedMirrorProducer<>(ring, table, keys, retireOn, settings.idle());
        final KeyedPublisher<S> publisher = new KeyedPublisher<>(producer, ring, keys, table,
            new TransitionRules(table, null, true), retireOn);
        return new KeyedMirror<>(
            new KeyedStateBus<>(table, publisher, settings.mirrorCore(table, ring, producer, waits)), producer, table);
    }

    /**
     * A slot is 4 longs (the word, the key, 2 spare) and a timestamp if stamped; the key table's slots, a power of two
     * at least twice {@code maxKeys}, a key and an entry each (its log of retirements is at most 4,096 of them).
     */
    private void checkHeap(final boolean stamped)
    {
        final long tableSlots = Long.highestOneBit(2L * maxKeys - 1) << 1;
        settings.checkHeap(stamped ? 40L : 32L, 4, maxKeys, 16L * tableSlots + 100_000L);
    }
}
