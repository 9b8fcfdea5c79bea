package io.statebus;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import io.statebus.consume.HandlerThreadFactory;
import io.statebus.consume.HandlerThreadWaitStrategy;
import io.statebus.consume.LoggedErrors;
import io.statebus.publish.StateMirrorProducer;
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
import org.agrona.concurrent.SystemNanoClock;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Builds a {@link StateBus}. Defaults: capacity 1024, {@link ProducerMode#MULTI} (any thread may publish, as in the
 * Disruptor's DSL; {@link ProducerMode#SINGLE} is the choice for one hot producer thread), no timestamps
 * ({@link #clock} turns them on), {@link BlockingWaitStrategy} for handler threads (no CPU while idle, and an
 * interrupted handler thread ends; but while a handler thread runs, the producer takes its lock on every publish: pick
 * {@code YieldingWaitStrategy} or {@code BusySpinWaitStrategy} for the lowest latency, {@code SleepingWaitStrategy} for
 * the cheapest publish with little idle CPU; a bus without handler threads never signals its wait strategy), a
 * {@link BackoffIdleStrategy} that spins, yields, then parks at most 50 us for producers waiting on back-pressure, and
 * setting the current value again publishes nothing.
 *
 * @param <S> the state type.
 */
public final class StateBusBuilder<S>
{
    private static final int MAX_CAPACITY = 1 << 30;

    private final S initial;
    private final StateIds<S> table;
    private int capacity = 1024;
    private ProducerMode mode = ProducerMode.MULTI;
    private WaitStrategy waitStrategy = new BlockingWaitStrategy();
    private IdleStrategy producerIdle; // null: each bus gets its own default (see build), never a shared one
    private NanoClock clock = NoClock.INSTANCE;
    private boolean publishUnchanged;
    private boolean[] allowed;
    private ThreadFactory handlerThreadFactory = new HandlerThreadFactory();
    private Policy awaitPolicy = Policy.BLOCK;
    private ErrorHandler errorHandler = LoggedErrors.INSTANCE;

    StateBusBuilder(final S initial, final StateIds<S> table)
    {
        this.initial = initial;
        this.table = table;
        table.idOf(initial);
    }

    /**
     * @param capacity the ring's slots: a power of two from 2 to 2^30. Allocated now, fixed for life.
     * @return this builder.
     */
    public StateBusBuilder<S> capacity(final int capacity)
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
     * @param mode one producer thread, or many.
     * @return this builder.
     */
    public StateBusBuilder<S> producerMode(final ProducerMode mode)
    {
        this.mode = Objects.requireNonNull(mode, "producerMode must not be null");
        return this;
    }

    /**
     * @param waitStrategy how handler threads wait for transitions (busy-spin, yielding, blocking, ...).
     * @return this builder.
     */
    public StateBusBuilder<S> waitStrategy(final WaitStrategy waitStrategy)
    {
        this.waitStrategy = Objects.requireNonNull(waitStrategy, "waitStrategy must not be null");
        return this;
    }

    /**
     * @param idleStrategy how a producer waits while a {@link Policy#BLOCK} subscription is a whole ring
     *                     behind. Used by one producer at a time, inside its publish (on a multi-producer
     *                     bus, holding the producer lock): it may close the bus (the waiting publish then
     *                     throws {@link StateBusClosedException}), but must not wait for another producer.
     * @return this builder.
     */
    public StateBusBuilder<S> producerIdleStrategy(final IdleStrategy idleStrategy)
    {
        this.producerIdle = Objects.requireNonNull(idleStrategy, "idleStrategy must not be null");
        return this;
    }

    /**
     * Turns timestamps on: the clock stamps each transition as it is published (without one, transitions carry 0).
     * {@link SystemNanoClock#INSTANCE} gives {@code System.nanoTime()}.
     *
     * <p>It is read once per publish on the producer's thread, so its cost adds to every {@code set}.
     * {@code System.nanoTime()} costs 20–40 ns on many virtual machines (33 ns on the machine the README's
     * benchmarks ran on, about three times a whole {@code set}). Where a reading a duty cycle old is precise
     * enough, an Agrona {@link org.agrona.concurrent.CachedNanoClock} costs one load per publish; advance it
     * once per duty cycle, not once per transition:
     * <pre>{@code
     * CachedNanoClock clock = new CachedNanoClock();
     * StateBus<Session> bus = StateBus.builder(Session.PRE_OPEN).clock(clock).build();
     * // in the producer's (or any agent's) duty cycle:
     * clock.update(System.nanoTime());
     * }</pre>
     *
     * <p>It runs inside the publish, before the claim (on a multi-producer bus, holding the producer lock): a
     * clock that throws changes nothing, one that closes the bus makes that publish throw
     * {@link StateBusClosedException}; it must not wait for another producer.
     *
     * @param clock the clock for transition timestamps.
     * @return this builder.
     */
    public StateBusBuilder<S> clock(final NanoClock clock)
    {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        return this;
    }

    /**
     * Transitions carry timestamp 0 and publishing reads no clock: the default, for undoing {@link #clock}.
     *
     * @return this builder.
     */
    public StateBusBuilder<S> noClock()
    {
        this.clock = NoClock.INSTANCE;
        return this;
    }

    /**
     * @param publishUnchanged whether setting the current value again publishes a transition
     *                         ({@code X -> X}); default false.
     * @return this builder.
     */
    public StateBusBuilder<S> publishUnchanged(final boolean publishUnchanged)
    {
        this.publishUnchanged = publishUnchanged;
        return this;
    }

    /**
     * Adds allowed transitions to the bus's transition table. Once any are added, only listed transitions
     * may be published; others throw {@link ForbiddenTransitionException} and change nothing.
     *
     * @param from the state before.
     * @param to   the states it may move to.
     * @return this builder.
     */
    @SafeVarargs
    public final StateBusBuilder<S> allow(final S from, final S... to)
    {
        final int fromId = table.idOf(from);
        Objects.requireNonNull(to, "allowed target states must not be null");
        final int[] toIds = new int[to.length];
        for (int i = 0; i < to.length; i++)
        {
            toIds[i] = table.idOf(to[i]); // check every state before recording any: a refused call changes nothing
        }
        if (allowed == null && toIds.length != 0) // listing no target adds no transition: no table yet
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
     * The threads of handler subscriptions. Default: daemon threads named {@code statebus-handler-N} (they never keep
     * a JVM alive: one that exits before the bus closed and they ended may end them before they delivered all).
     *
     * @param threadFactory makes the threads of {@link Subscribes#subscribe(Policy, TransitionHandler)}.
     * @return this builder.
     */
    public StateBusBuilder<S> handlerThreadFactory(final ThreadFactory threadFactory)
    {
        this.handlerThreadFactory = Objects.requireNonNull(threadFactory, "threadFactory must not be null");
        return this;
    }

    /**
     * @param policy the policy of the private subscription behind each await: {@link Policy#BLOCK} (default;
     *               an await can hold producers back, never past its own deadline) or {@link Policy#GAP}
     *               (never holds them back; reports {@link Awaited.Outcome#LAPPED} if it falls a ring behind).
     * @return this builder.
     */
    public StateBusBuilder<S> awaitPolicy(final Policy policy)
    {
        this.awaitPolicy = Objects.requireNonNull(policy, "awaitPolicy must not be null");
        return this;
    }

    /**
     * Where a handler's failure goes when a handler thread or an executor runs it (a poller receives the exception
     * itself), and an executor's refusal of a delivery task: Agrona's {@link ErrorHandler} shape, called on the
     * consuming thread (a refusal: the thread that handed the task over) after the subscription has failed, which
     * it does alone (the producer and other subscriptions go on). Default: logged at ERROR through
     * {@link System.Logger} {@code "io.statebus"}. What it throws is logged instead.
     *
     * @param errorHandler told of each failed subscription's cause.
     * @return this builder.
     */
    public StateBusBuilder<S> errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler must not be null");
        return this;
    }

    /**
     * Allocates the ring and every slot.
     *
     * @return the bus, in the initial state at sequence 0.
     */
    public StateBus<S> build()
    {
        final boolean stamped = clock != NoClock.INSTANCE;
        checkHeap(stamped);
        final HandlerThreadWaitStrategy waits = new HandlerThreadWaitStrategy(waitStrategy);
        final TransitionRing ring = new TransitionRing(capacity, table.idOf(initial), stamped, waits.forRing());
        final TransitionRules rules = new TransitionRules(table, allowed, publishUnchanged);
        // one idle strategy per bus: it has state, and two buses built by one builder may wait at once
        final IdleStrategy idle = producerIdle != null ? producerIdle : new BackoffIdleStrategy(64, 16, 1, 50_000);
        final Producer<S> producer = mode == ProducerMode.MULTI ?
            new MultiProducer<>(ring, table, rules, clock, idle) : new SingleProducer<>(ring, table, rules, clock, idle);
        return new StateBus<>(table,
            new BusCore<>(table, ring, producer, waits, handlerThreadFactory, awaitPolicy, mode, errorHandler));
    }

    /**
     * Builds the local copy of a bus that lives elsewhere (another process or host): its transitions come from
     * the returned {@link Mirror}'s {@code append}, at the source's sequences and with the source's timestamps,
     * and its consumers use the ordinary API. The builder's initial state is the source's state at
     * {@code sequence}; its states must be the source's, in the same order. The producer mode, clock, allowed
     * transitions and {@code publishUnchanged} do not apply: the source decided those.
     *
     * <pre>{@code
     * Mirror<Session> mirror = StateBus.builder(snapshot.to()).buildMirror(snapshot.sequence(), snapshot.from(),
     *     snapshot.timestampNanos());
     * mirror.bus().await(Session.OPEN, Duration.ofSeconds(5));   // any consumer thread
     * mirror.append(seq, from, to, timestamp);                  // the thread receiving the source's transitions
     * }</pre>
     *
     * @param sequence       the source's sequence the mirror starts at (its latest when the mirror joined), at
     *                       least 0 and below {@link Mirror#SEQUENCE_LIMIT}.
     * @param from           the {@code from} of the source's transition at {@code sequence} (the initial state
     *                       itself at 0).
     * @param timestampNanos that transition's timestamp.
     * @return the mirror; {@link Mirror#bus()} is its bus.
     */
    public Mirror<S> buildMirror(final long sequence, final S from, final long timestampNanos)
    {
        if (sequence < 0)
        {
            throw new IllegalArgumentException("sequence must be at least 0, got " + sequence);
        }
        final int fromId = table.idOf(from);
        checkHeap(true);
        final HandlerThreadWaitStrategy waits = new HandlerThreadWaitStrategy(waitStrategy);
        final TransitionRing ring =
            new TransitionRing(capacity, sequence, fromId, table.idOf(initial), timestampNanos, true, waits.forRing());
        final IdleStrategy idle = producerIdle != null ? producerIdle : new BackoffIdleStrategy(64, 16, 1, 50_000);
        final StateMirrorProducer<S> producer = new StateMirrorProducer<>(ring, table, idle);
        final StateBus<S> bus = new StateBus<>(table, new BusCore<>(
            table, ring, producer, waits, handlerThreadFactory, awaitPolicy, ProducerMode.SINGLE, errorHandler));
        return new Mirror<>(bus, producer, table);
    }

    /** A slot is 8 bytes, a timestamp 8 more: refuse clearly rather than fail with OOM. */
    private void checkHeap(final boolean stamped)
    {
        final long bytes = (stamped ? 16L : 8L) * capacity;
        final long maxHeap = Runtime.getRuntime().maxMemory();
        if (bytes > maxHeap / 2)
        {
            throw new IllegalArgumentException("capacity " + capacity + " needs about " + (bytes >> 20) +
                " MiB for its slots, more than half of this JVM's maximum heap (" + (maxHeap >> 20) + " MiB)");
        }
    }
}
