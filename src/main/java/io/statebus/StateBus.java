package io.statebus;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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
public final class StateBus<S> implements AutoCloseable
{
    /** What {@link #set} returns when the state already had that value and nothing was published. */
    public static final long NOT_PUBLISHED = -1;

    private static final long CAS_FAILED = -2;
    private static final long TIMED_OUT = -3;
    private static final long INTERRUPTED = -4;
    private static final long NO_DEADLINE = Long.MIN_VALUE;
    /** From the fast path: not decided there (unchanged, forbidden, ring full); the full path decides. */
    private static final long FAST_MISS = -5;
    /** From {@link #refusal}: the call may publish. */
    private static final long GO = -6;
    private static final PublishListener[] NO_LISTENERS = new PublishListener[0];
    /** The fast-path gate of a closed bus: final, no thread opens it again. */
    private static final Object CLOSED_GATE = new Object();

    private static final VarHandle OWNER;
    private static final VarHandle FAST_PRODUCER;
    private static final VarHandle PRODUCER_WAITS;
    private static final VarHandle PRODUCER_WAIT_NANOS;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            OWNER = lookup.findVarHandle(StateBus.class, "owner", Thread.class);
            FAST_PRODUCER = lookup.findVarHandle(StateBus.class, "fastProducer", Object.class);
            PRODUCER_WAITS = lookup.findVarHandle(StateBus.class, "producerWaits", long.class);
            PRODUCER_WAIT_NANOS = lookup.findVarHandle(StateBus.class, "producerWaitNanos", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final RingBuffer<Slot> ring;
    private final int capacity;
    private final StateTable<S> table;
    private final boolean[] allowed;
    private final NanoClock clock;
    private final boolean publishUnchanged;
    private final ProducerMode mode;
    private final ProducerLock producerLock;
    private final IdleStrategy producerIdle;
    private final WaitStrategy waitStrategy;
    /** The ring's view of {@link #waitStrategy}: signals it only while a handler thread runs. */
    private final HandlerThreadWaitStrategy handlerThreadWaits;
    private final ThreadFactory handlerThreadFactory;
    private final Policy awaitPolicy;

    /**
     * The latest claimed sequence and the state it moved to (see {@link StateWord}); a padded Disruptor sequence.
     * Written by the producer before it writes the slot, so it is also the "intent" a GAP reader validates against.
     */
    private final Sequence stateWord;
    /** Timestamps by ring index, written by the producer before it publishes; null with the no-op clock. */
    private final long[] timestamps;
    private final int indexMask;

    private final Object subscriptionsLock = new Object();
    private final List<Subscription<S>> subscriptions = new ArrayList<>();

    /**
     * Single-producer mode: the thread that first called a publishing method (whatever that call's outcome), set
     * once by CAS. Read plainly on the publish path: the owner always sees its own write, and any other thread that
     * reads a stale value goes to the CAS, which tells the truth.
     */
    private Thread owner;
    /**
     * The fast-path gate: the owner of a single-producer bus while nothing else needs checking on its publish
     * path (open, no listener); null while something does; {@link #CLOSED_GATE} once closed, for good. One read
     * of it stands for the owner, closed and listener checks. Only the owner opens it (after a full-path publish,
     * see {@link #openFastPath}); {@link #addListener} and {@link #told} shut it; {@link #close} closes it before
     * it sets {@link #closed}, so a thread that has seen {@code closed} also finds the gate closed.
     */
    @SuppressWarnings("unused")
    private Object fastProducer;
    private volatile boolean closed;
    /** Copy-on-write; read once per publish, so an empty array costs one load. */
    private volatile PublishListener[] listeners = NO_LISTENERS;

    /** Written only by the producer holding the right to publish; read with acquire by anyone. */
    @SuppressWarnings("unused")
    private long producerWaits;
    @SuppressWarnings("unused")
    private long producerWaitNanos;

    private StateBus(final Builder<S> builder)
    {
        this.table = builder.table;
        this.capacity = builder.capacity;
        this.clock = builder.clock;
        this.publishUnchanged = builder.publishUnchanged;
        this.mode = builder.mode;
        // one per bus: an idle strategy has state, and two buses built by one builder may wait at once
        this.producerIdle = builder.producerIdle != null ? builder.producerIdle : defaultProducerIdle();
        this.waitStrategy = builder.waitStrategy;
        this.handlerThreadFactory = builder.handlerThreadFactory;
        this.awaitPolicy = builder.awaitPolicy;
        this.allowed = builder.allowed == null ? null : builder.allowed.clone();
        this.producerLock = mode == ProducerMode.MULTI ? new ProducerLock() : null;
        // The single-producer sequencer in both modes: MULTI producers are serialised by producerLock, and only
        // tryNext() is used, so the ring's cursor is always the highest published sequence.
        this.handlerThreadWaits = new HandlerThreadWaitStrategy(waitStrategy);
        this.ring = RingBuffer.createSingleProducer(Slot::new, capacity, handlerThreadWaits);
        final int initialId = table.idOf(builder.initial);
        this.stateWord = new Sequence(StateWord.pack(0, initialId, initialId));
        this.timestamps = clock == NoClock.INSTANCE ? null : new long[capacity];
        this.indexMask = capacity - 1;
        ring.get(0).states = Slot.pack(initialId, initialId);
        // Sequence 0 is the initial state: the ring starts at cursor -1, so claim and publish slot 0 now.
        // tryNext(), never next(): the latter registers the thread in a static map when assertions are on.
        try
        {
            ring.publish(ring.tryNext());
        }
        catch (final InsufficientCapacityException ex)
        {
            throw new IllegalStateException("an empty ring has capacity", ex);
        }
    }

    /**
     * Starts a builder for a bus whose states are the constants of an enum.
     *
     * @param initial the initial state (sequence 0); not null.
     * @param <E>     the enum type.
     * @return a builder.
     */
    public static <E extends Enum<E>> Builder<E> builder(final E initial)
    {
        Objects.requireNonNull(initial, "initial state must not be null");
        return new Builder<>(initial, StateTable.forEnum(initial.getDeclaringClass()));
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
    public static <S> Builder<S> builder(final S initial, final List<S> states)
    {
        Objects.requireNonNull(initial, "initial state must not be null");
        return new Builder<>(initial, StateTable.forStates(states));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Producer side
    // ------------------------------------------------------------------------------------------------------------

    /**
     * The current state: the {@code to} of the latest published transition. Wait-free: two loads, no loop.
     *
     * @return the current state.
     */
    public S get()
    {
        return table.stateOf(publishedStateId(stateWord.get(), ring.getCursor()));
    }

    /**
     * The current state id given the state word and a cursor read after it. The word stays at its sequence until
     * that sequence is published (the next claim comes after the publish), so: published by the time the cursor
     * was read means its {@code to} was current at some instant between the two loads; not yet published means
     * its {@code from} was current when the cursor was read.
     */
    private static int publishedStateId(final long word, final long cursor)
    {
        return StateWord.sequence(word, cursor) <= cursor ? StateWord.toId(word) : StateWord.fromId(word);
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
     * @throws IllegalStateException        on a single-producer bus, from a second thread; nothing changed.
     */
    public long set(final S next)
    {
        final int toId = table.idOf(next);
        final Thread current = Thread.currentThread();
        if (FAST_PRODUCER.getOpaque(this) == current) // opaque: a stale "open" is caught after the publish
        {
            final long fast = publishFast(-1, toId);
            if (fast != FAST_MISS)
            {
                return toldAfterFast(fast, current);
            }
        }
        final long sequence;
        if (producerLock == null)
        {
            sequence = publishAsOwner(current, -1, toId, NO_DEADLINE);
        }
        else
        {
            producerLock.lock();
            try
            {
                sequence = publish(-1, toId, NO_DEADLINE);
            }
            finally
            {
                producerLock.unlock();
            }
        }
        return told(sequence);
    }

    /**
     * Changes the state unless back-pressure lasts past the timeout; then gives up, changing and publishing
     * nothing.
     *
     * @param next    the new state; not null.
     * @param timeout how long to wait at most; not negative.
     * @param unit    the unit of {@code timeout}.
     * @return true if the state is now {@code next} (published, or already so); false if it timed out.
     * @throws InterruptedException         if interrupted while waiting; nothing changed.
     * @throws ForbiddenTransitionException if the transition table forbids it; nothing changed.
     * @throws StateBusClosedException      if the bus is closed, also while waiting; nothing changed.
     */
    public boolean trySet(final S next, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final int toId = table.idOf(next);
        final long deadline = deadline(timeout, unit);
        final Thread current = Thread.currentThread();
        if (FAST_PRODUCER.getOpaque(this) == current) // as in set
        {
            final long fast = publishFast(-1, toId);
            if (fast != FAST_MISS)
            {
                toldAfterFast(fast, current);
                return true;
            }
        }
        final long sequence;
        if (producerLock == null)
        {
            sequence = publishAsOwner(current, -1, toId, deadline);
        }
        else
        {
            if (!producerLock.tryLock(deadline))
            {
                return false;
            }
            try
            {
                sequence = publish(-1, toId, deadline);
            }
            finally
            {
                producerLock.unlock();
            }
        }
        return trySetOutcome(told(sequence));
    }

    /**
     * Changes the state to {@code next} only if it is {@code expected}; linearizable with every other producer.
     *
     * @param expected the state the caller believes is current; not null.
     * @param next     the new state; not null.
     * @return true if the state was {@code expected} and is now {@code next}.
     * @throws ForbiddenTransitionException if the state was {@code expected} but the table forbids the move.
     * @throws StateBusClosedException      if the bus is closed; nothing changed.
     */
    public boolean compareAndSet(final S expected, final S next)
    {
        final int expectedId = table.idOf(expected);
        final int toId = table.idOf(next);
        final Thread current = Thread.currentThread();
        if (FAST_PRODUCER.getOpaque(this) == current) // as in set
        {
            final long fast = publishFast(expectedId, toId);
            if (fast != FAST_MISS)
            {
                return toldAfterFast(fast, current) != CAS_FAILED;
            }
        }
        final long sequence;
        if (producerLock == null)
        {
            sequence = publishAsOwner(current, expectedId, toId, NO_DEADLINE);
        }
        else
        {
            producerLock.lock();
            try
            {
                sequence = publish(expectedId, toId, NO_DEADLINE);
            }
            finally
            {
                producerLock.unlock();
            }
        }
        return told(sequence) != CAS_FAILED;
    }

    /**
     * The full publish path; the caller holds the right to publish (the owner thread, or the producer lock).
     */
    private long publish(final int expectedId, final int toId, final long deadline)
    {
        if (closed)
        {
            throw new StateBusClosedException("bus is closed: cannot publish " + table.stateOf(toId));
        }
        // only the holder of the right to publish writes the word, and it published its last claim itself
        final int fromId = StateWord.toId(stateWord.get());
        final long refused = refusal(fromId, expectedId, toId);
        if (refused != GO)
        {
            return refused;
        }

        // The clock is the user's code: read it before the claim, so that a clock that throws leaves nothing
        // claimed (a claimed slot cannot be given back, and the next publish would publish it).
        final long[] times = timestamps;
        long now = times == null ? 0 : clock.nanoTime();
        long sequence;
        while (true)
        {
            if (times != null && closed)
            {
                // the clock (user code) may have closed the bus: claim nothing after close() returned (an idle
                // strategy that closes it is caught by awaitCapacity, which re-reads closed after each idle)
                throw new StateBusClosedException("bus is closed: cannot publish " + table.stateOf(toId));
            }
            try
            {
                sequence = ring.tryNext();
                break;
            }
            catch (final InsufficientCapacityException ex)
            {
                final long waited = awaitCapacity(deadline, toId);
                if (waited == TIMED_OUT || waited == INTERRUPTED)
                {
                    return waited;
                }
                now = times == null ? 0 : clock.nanoTime(); // stamped when it can publish, not when it began
            }
        }

        write(sequence, fromId, toId, times, now);
        return sequence;
    }

    /**
     * {@link #publish} for the common case, on a single-producer bus whose owner saw the fast path open (so the
     * bus was open and had no listener a moment ago; the caller re-reads the gate after this). Decides only what
     * it can decide without waiting or throwing: returns the published sequence, {@link #CAS_FAILED}, or
     * {@link #FAST_MISS} for the full path (unchanged, forbidden, ring full), having then claimed nothing.
     */
    private long publishFast(final int expectedId, final int toId)
    {
        // the owner wrote the word itself (program order), so the acquire load sees its own last claim
        final int fromId = StateWord.toId(stateWord.get());
        if (expectedId >= 0 && fromId != expectedId)
        {
            return CAS_FAILED;
        }
        final boolean[] allowed = this.allowed;
        if (fromId == toId || (allowed != null && !allowed[fromId * table.size() + toId]))
        {
            return FAST_MISS;
        }
        final long[] times = timestamps;
        long now = 0;
        if (times != null)
        {
            now = clock.nanoTime(); // before the claim, as in publish
            if (closed)
            {
                return FAST_MISS; // the clock closed the bus: the full path refuses
            }
        }
        final long sequence;
        try
        {
            sequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return FAST_MISS; // the full path waits for capacity (and reads the clock again when it can publish)
        }
        write(sequence, fromId, toId, times, now);
        return sequence;
    }

    /** Writes and publishes a claimed sequence; both publish paths end here. */
    private void write(final long sequence, final int fromId, final int toId, final long[] times, final long now)
    {
        // Release store of the new word, then a store-store fence: any reader that sees a byte of the slot writes
        // below also sees this word, which is how a GAP reader tells that its copy may be torn.
        stateWord.set(StateWord.pack(sequence, fromId, toId));
        VarHandle.storeStoreFence();
        ring.get(sequence).states = Slot.pack(fromId, toId);
        if (times != null)
        {
            times[(int)sequence & indexMask] = now;
        }
        // release store of the cursor: makes the plain slot writes visible to readers that acquire it
        ring.publish(sequence);
    }

    /**
     * After a fast publish: if the gate has shut since it was read (a listener was added, or the bus closed),
     * tell the listeners as the full path would. Read after the cursor store with no fence between, as the full
     * path reads the listener array: {@link PublishListener} covers that window. Acquire: having seen the gate
     * shut, the listener array read in {@link #told} is at least the one whose adding shut it.
     */
    private long toldAfterFast(final long sequence, final Thread current)
    {
        if (FAST_PRODUCER.getAcquire(this) != current)
        {
            told(sequence);
        }
        return sequence;
    }

    /**
     * Single-producer bus, after a full-path publish by its owner and its telling: opens the fast path if the bus
     * has no listener. CAS from null (a closed gate stays closed), then a volatile re-read of the listeners:
     * against {@link #addListener}, which writes the array, then shuts the gate, whichever of the two goes second
     * in the synchronization order sees the other, so the gate never stays open over a listener.
     */
    private void openFastPath(final Thread current)
    {
        if (producerLock == null && FAST_PRODUCER.getOpaque(this) != current && canBeFast() &&
            FAST_PRODUCER.compareAndSet(this, null, current) && !canBeFast())
        {
            FAST_PRODUCER.compareAndSet(this, current, null);
        }
    }

    private boolean canBeFast()
    {
        return listeners.length == 0 && !closed;
    }

    /** Whether the owner's next publish may take the fast path (for tests). */
    boolean fastPathOpen()
    {
        return FAST_PRODUCER.getVolatile(this) instanceof Thread;
    }

    /**
     * After a publish, and outside the producer lock: tells the awaits and executor subscriptions, if any. Outside
     * the lock because an executor may run the handler right here, and a handler may publish or close.
     */
    private long told(final long sequence)
    {
        if (sequence >= 0)
        {
            final PublishListener[] toNotify = listeners;
            if (toNotify.length != 0 && !closed)
            {
                shutFastPath(); // from now on this producer's publishes read the array too
                notifyListeners(toNotify); // once closed, close() itself has told everyone, after this publish
            }
        }
        return sequence;
    }

    /**
     * A publish that tells a listener shuts its owner's gate itself, not only the thread that added the
     * listener (which may not have shut it yet): a listener told once is told of every later publish, which is
     * what lets an executor subscription skip its registration recheck (see {@code ExecutorDelivery}).
     */
    private void shutFastPath()
    {
        final Thread current = Thread.currentThread();
        if (FAST_PRODUCER.getOpaque(this) == current)
        {
            FAST_PRODUCER.compareAndSet(this, current, null);
        }
    }

    private static void notifyListeners(final PublishListener[] toNotify)
    {
        // StoreLoad between our cursor store and each listener's read of its waiter's flag (Dekker with
        // ParkedWaiter and ExecutorDelivery); paid only while an await or executor subscription exists. The
        // listener array itself was read without it: PublishListener says how a new listener covers that.
        VarHandle.fullFence();
        for (final PublishListener listener : toNotify)
        {
            listener.onPublish();
        }
    }

    private static boolean trySetOutcome(final long published) throws InterruptedException
    {
        if (published == INTERRUPTED)
        {
            throw new InterruptedException("interrupted while waiting for ring capacity; nothing was published");
        }
        return published != TIMED_OUT;
    }

    /** Waits until the ring has a free slot (0), or returns TIMED_OUT or INTERRUPTED; claims nothing. */
    private long awaitCapacity(final long deadline, final int toId)
    {
        final long start = System.nanoTime();
        final IdleStrategy idle = producerIdle;
        boolean interrupted = false;
        idle.reset();
        try
        {
            while (true)
            {
                if (closed)
                {
                    throw new StateBusClosedException("bus closed while waiting to publish " + table.stateOf(toId));
                }
                if (ring.hasAvailableCapacity(1))
                {
                    return 0; // the caller reads the clock, then claims (it is the only one who may)
                }
                // a BLOCK subscription is a whole ring behind: wait for it
                if (deadline != NO_DEADLINE && System.nanoTime() - deadline >= 0)
                {
                    return TIMED_OUT;
                }
                if (Thread.interrupted())
                {
                    if (deadline != NO_DEADLINE)
                    {
                        return INTERRUPTED; // trySet throws InterruptedException, nothing published
                    }
                    interrupted = true; // set() is not interruptible; clear the flag so parking works, restore it
                }
                idle.idle();
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
            // single writer (the publishing thread); release so readers of the counters see whole values
            PRODUCER_WAITS.setRelease(this, (long)PRODUCER_WAITS.get(this) + 1);
            PRODUCER_WAIT_NANOS.setRelease(this, (long)PRODUCER_WAIT_NANOS.get(this) + (System.nanoTime() - start));
        }
    }

    /** Whether this bus has one producer thread (ProducerMode.SINGLE). */
    boolean isSingleProducer()
    {
        return producerLock == null;
    }

    /** Whether {@code thread} is this single-producer bus's producer (it has published). */
    boolean isOwnedBy(final Thread thread)
    {
        return OWNER.getVolatile(this) == thread;
    }

    /**
     * Single-producer bus, full path: owns the bus (unless the call is refused first), publishes, then opens the
     * owner's fast path.
     */
    private long publishAsOwner(final Thread current, final int expectedId, final int toId, final long deadline)
    {
        final long refused = ownUnlessRefused(current, expectedId, toId);
        if (refused != GO)
        {
            return refused; // refused before owning: the gate stays as it was
        }
        final long sequence = publish(expectedId, toId, deadline);
        openFastPath(current);
        return sequence;
    }

    /**
     * Whether a call from {@code fromId} may publish: {@link #GO}, or {@link #CAS_FAILED} or {@link #NOT_PUBLISHED}
     * for a call that changes nothing; throws for a transition the table forbids.
     */
    private long refusal(final int fromId, final int expectedId, final int toId)
    {
        if (expectedId >= 0 && fromId != expectedId)
        {
            return CAS_FAILED;
        }
        if (fromId == toId && !publishUnchanged)
        {
            return NOT_PUBLISHED;
        }
        if (allowed != null && !allowed[fromId * table.size() + toId])
        {
            throw new ForbiddenTransitionException(table.stateOf(fromId), table.stateOf(toId));
        }
        return GO;
    }

    /**
     * Single-producer bus, full path: makes {@code current} the owner, or fails as another thread owns it. A call
     * that would change nothing (refused, unchanged, a failed compare) is answered before it claims the bus, so
     * it does not make its thread the owner. Returns {@link #GO} when the caller owns the bus and may publish.
     */
    private long ownUnlessRefused(final Thread current, final int expectedId, final int toId)
    {
        final Thread existing = owner;
        if (existing == current)
        {
            return GO;
        }
        if (existing == null && !closed) // closed: publish() gives the closed error, whoever calls
        {
            // the published state, read as get() reads it: another thread may own the bus by now, mid-publish
            final int publishedId = publishedStateId(stateWord.get(), ring.getCursor());
            final long refused = refusal(publishedId, expectedId, toId);
            if (refused != GO)
            {
                return refused; // linearized at that read, as a get() would be
            }
        }
        claimOwner(current, existing);
        return GO;
    }

    private void claimOwner(final Thread current, final Thread existing)
    {
        if (existing == null && OWNER.compareAndSet(this, null, current))
        {
            return;
        }
        final Thread owner = (Thread)OWNER.getVolatile(this);
        if (owner != current)
        {
            throw new IllegalStateException("single-producer bus: thread '" + current.getName() +
                "' may not publish, thread '" + owner.getName() + "' owns it; build with ProducerMode.MULTI " +
                "for many producers");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Subscribing
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Joins the bus at a snapshot {@code (state, sequence)} taken atomically: the first transition received has
     * {@code from() == }{@link Subscription#joinState()}. Consume it with {@link Subscription#poll}.
     *
     * @param policy what happens when this subscription is a whole ring behind.
     * @return a new open subscription.
     * @throws StateBusClosedException if the bus is closed.
     */
    public Subscription<S> subscribe(final Policy policy)
    {
        return join(policy, -1);
    }

    /**
     * Joins the bus with a replay: the first transition received is {@code fromSequence}, which must still be
     * in the ring. Replayed transitions are read with the same check as {@link Policy#GAP}: if the producer
     * overwrites one before it is read, the subscription gets a gap notice for it, whatever its policy;
     * transitions after the join point are covered by the policy.
     *
     * @param policy       what happens when this subscription is a whole ring behind.
     * @param fromSequence the first sequence to receive, at least 1.
     * @return a new open subscription.
     * @throws ReplayUnavailableException if {@code fromSequence} is no longer, or not yet, in the ring.
     * @throws StateBusClosedException    if the bus is closed.
     */
    public Subscription<S> subscribe(final Policy policy, final long fromSequence)
    {
        if (fromSequence < 1)
        {
            throw new IllegalArgumentException("fromSequence must be >= 1 (sequence 0 is the initial state), got " +
                fromSequence);
        }
        return join(policy, fromSequence);
    }

    /**
     * Joins the bus and starts a dedicated thread (from the builder's thread factory) that waits with the bus's
     * {@link WaitStrategy} and delivers every transition to {@code handler}, telling it where each batch ends.
     * The thread ends when the subscription or the bus is closed (after delivering what was published before),
     * or when the handler throws, which fails the subscription.
     *
     * @param policy  what happens when this subscription is a whole ring behind.
     * @param handler receives the transitions on the handler thread.
     * @return the running subscription; {@link Subscription#poll} is not available on it.
     * @throws StateBusClosedException if the bus is closed.
     * @throws IllegalStateException   if the handler thread factory returned no thread; whatever it threw, or
     *                                 starting the thread threw, passes through. Either way the subscription is
     *                                 closed and nothing changed.
     */
    public Subscription<S> subscribe(final Policy policy, final TransitionHandler<S> handler)
    {
        Objects.requireNonNull(handler, "handler must not be null");
        final Subscription<S> subscription = join(policy, -1);
        try
        {
            subscription.startHandlerThread(handler, handlerThreadFactory, handlerThreadWaits);
        }
        catch (final RuntimeException | Error ex)
        {
            subscription.close(); // no thread will consume it: it must not gate the producer
            throw ex;
        }
        return subscription;
    }

    private Subscription<S> join(final Policy policy, final long fromSequence)
    {
        Objects.requireNonNull(policy, "policy must not be null");
        synchronized (subscriptionsLock)
        {
            if (closed)
            {
                throw new StateBusClosedException("bus is closed: cannot subscribe");
            }
            final Sequence sequence = new Sequence(Long.MAX_VALUE);
            if (policy == Policy.BLOCK)
            {
                // Sets the sequence to the cursor while adding it (Disruptor's CAS loop), so from here the
                // producer cannot overwrite anything after the cursor this subscription has not consumed.
                ring.addGatingSequences(sequence);
            }
            // Read after the gating CAS (a full fence), word then cursor as in get(): the snapshot is the latest
            // published transition at one instant, and is >= the value the gate was set to.
            final long word = stateWord.get();
            final long cursor = ring.getCursor();
            final long claimed = StateWord.sequence(word, cursor);
            final long snapshot = claimed <= cursor ? claimed : claimed - 1;
            long joinSequence = snapshot;
            int joinStateId = publishedStateId(word, cursor);
            if (fromSequence >= 0 && fromSequence <= snapshot)
            {
                final long oldest = Math.max(1, snapshot - capacity + 2);
                final int fromId = Slot.fromId(ring.get(fromSequence).states);
                final long head = claimedAfterCopy();
                if (fromSequence < oldest || head - capacity >= fromSequence)
                {
                    // head may be claimed and not yet published: name the latest published one
                    throw refuseReplay(policy, sequence, fromSequence, Math.min(head, ring.getCursor()));
                }
                joinSequence = fromSequence - 1;
                joinStateId = fromId;
            }
            else if (fromSequence > snapshot + 1)
            {
                throw refuseReplay(policy, sequence, fromSequence, snapshot);
            }
            sequence.set(joinSequence);
            final Subscription<S> subscription = new Subscription<>(
                this, policy, sequence, joinSequence, table.stateOf(joinStateId), snapshot);
            subscriptions.add(subscription);
            return subscription;
        }
    }

    private ReplayUnavailableException refuseReplay(
        final Policy policy, final Sequence gate, final long fromSequence, final long latest)
    {
        if (policy == Policy.BLOCK)
        {
            ring.removeGatingSequence(gate); // nothing subscribed: the gate must not outlive the refusal
        }
        return new ReplayUnavailableException(fromSequence, Math.max(1, latest - capacity + 2), latest);
    }

    void removed(final Subscription<S> subscription)
    {
        synchronized (subscriptionsLock)
        {
            subscriptions.remove(subscription);
        }
        if (subscription.policy() == Policy.BLOCK)
        {
            ring.removeGatingSequence(subscription.sequenceForBus());
        }
    }

    void addListener(final PublishListener listener)
    {
        synchronized (subscriptionsLock)
        {
            final PublishListener[] current = listeners;
            final PublishListener[] next = Arrays.copyOf(current, current.length + 1);
            next[current.length] = listener;
            listeners = next;
            if (!closed) // under the lock close() takes: a closed gate stays closed
            {
                FAST_PRODUCER.setVolatile(this, null); // after the array: see openFastPath
            }
        }
    }

    void removeListener(final PublishListener listener)
    {
        synchronized (subscriptionsLock)
        {
            final PublishListener[] current = listeners;
            for (int i = 0; i < current.length; i++)
            {
                if (current[i] == listener)
                {
                    final PublishListener[] next = new PublishListener[current.length - 1];
                    System.arraycopy(current, 0, next, 0, i);
                    System.arraycopy(current, i + 1, next, i, current.length - i - 1);
                    listeners = next;
                    return;
                }
            }
        }
    }

    /**
     * Joins the bus and delivers every transition to {@code handler} on {@code executor} (an event loop, a pool,
     * a virtual thread per task): in order, never two callbacks at once for this subscription, with no queue but
     * the ring. A task delivers at most a few hundred transitions, then re-submits itself. A rejected task (or an
     * executor that throws in any other way) or a throwing handler fails the subscription; neither reaches the
     * producer. A same-thread executor ({@code Runnable::run}) works too, without recursion however long the
     * backlog: the handler then runs on the thread that hands it work, inside a producer's {@code set} after the
     * producer lock is released (so it may publish, see {@link TransitionHandler} for the one caution, or close),
     * and inside this call for what was published before it. That is all when a single-producer bus's producer
     * subscribes after its first publish. Otherwise, once, about 50 µs after this call, the JDK's shared delay
     * thread may deliver what is pending at that moment: it checks that no publish raced this call (single
     * producer: only if no publish has told the subscription by then). A handler that must run on the producer's
     * thread should be subscribed there, after its first publish.
     *
     * @param policy   what happens when this subscription is a whole ring behind.
     * @param handler  receives the transitions on the executor's threads, one call at a time.
     * @param executor runs the delivery tasks.
     * @return the subscription; {@link Subscription#poll} is not available on it.
     */
    public Subscription<S> subscribe(final Policy policy, final TransitionHandler<S> handler, final Executor executor)
    {
        Objects.requireNonNull(handler, "handler must not be null");
        Objects.requireNonNull(executor, "executor must not be null");
        final Subscription<S> subscription = join(policy, -1);
        final ExecutorDelivery<S> delivery = new ExecutorDelivery<>(this, subscription, handler, executor, null);
        subscription.consumedBy("executor", delivery);
        delivery.registered();
        return subscription;
    }

    /**
     * Blocks until the state is {@code state}: at once if it already is, else until the first transition to it.
     * A state that lasted a single transition is still found.
     *
     * <pre>{@code
     * Awaited<Connection> r = bus.await(Connection.CLOSED, 1, TimeUnit.SECONDS);
     * switch (r.outcome()) { case ALREADY, MATCHED -> ...; case TIMED_OUT -> ...; case LAPPED -> ...; }
     * }</pre>
     *
     * @param state   the state to wait for.
     * @param timeout how long to wait at most; not negative.
     * @param unit    the unit of {@code timeout}.
     * @return how it ended, with the matching transition on a match.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes before a match.
     */
    public Awaited<S> await(final S state, final long timeout, final TimeUnit unit) throws InterruptedException
    {
        final int id = table.idOf(state);
        return await(s -> table.idOf(s) == id, false, timeout, unit);
    }

    /**
     * Blocks until the state satisfies {@code predicate}: at once if the current state does, else until the
     * first transition whose {@code to} does.
     *
     * @param predicate tested on the awaiting thread, on the current state and each later {@code to}.
     * @param timeout   how long to wait at most; not negative.
     * @param unit      the unit of {@code timeout}.
     * @return how it ended, with the matching transition on a match.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes before a match.
     */
    public Awaited<S> await(final Predicate<? super S> predicate, final long timeout, final TimeUnit unit)
        throws InterruptedException
    {
        Objects.requireNonNull(predicate, "predicate must not be null");
        return await(predicate, false, timeout, unit);
    }

    /**
     * Blocks until the next transition after now, whatever it is.
     *
     * @param timeout how long to wait at most; not negative.
     * @param unit    the unit of {@code timeout}.
     * @return {@link Awaited.Outcome#MATCHED} with the transition, or how else it ended.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes first.
     */
    public Awaited<S> awaitChange(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return await(s -> true, true, timeout, unit);
    }

    private Awaited<S> await(
        final Predicate<? super S> predicate, final boolean changeOnly, final long timeout, final TimeUnit unit)
        throws InterruptedException
    {
        final long deadline = deadline(timeout, unit);
        if (Thread.interrupted())
        {
            throw new InterruptedException();
        }
        final AwaitJoin<S> joined = changeOnly ? new AwaitJoin<>(join(awaitPolicy, -1), null) : joinForAwait();
        final Subscription<S> subscription = joined.subscription;
        final Transition<S> ledHere = joined.ledHere;
        try
        {
            if (!changeOnly && predicate.test(subscription.joinState()))
            {
                return new Awaited<>(Awaited.Outcome.ALREADY, ledHere, 0);
            }
            final AwaitMatcher<S> matcher = new AwaitMatcher<>(predicate);
            final ParkedWaiter waiter = new ParkedWaiter(Thread.currentThread());
            subscription.consumedBy("await", waiter);
            waiter.registered();
            while (true)
            {
                subscription.pollAvailable(matcher, 1024);
                if (matcher.match != null)
                {
                    return new Awaited<>(Awaited.Outcome.MATCHED, matcher.match, 0);
                }
                // not only the notices delivered: a poll lapped more than MAX_LAPS_PER_POLL times returns with
                // its notice still pending, and what it missed may have matched
                final long missed = subscription.missed();
                if (missed > 0)
                {
                    return new Awaited<>(Awaited.Outcome.LAPPED, null, missed);
                }
                if (System.nanoTime() - deadline >= 0)
                {
                    return new Awaited<>(Awaited.Outcome.TIMED_OUT, null, 0);
                }
                if (Thread.interrupted())
                {
                    throw new InterruptedException(); // also when transitions keep coming and it never parks
                }
                waiter.prepare();
                if (subscription.hasWorkOrClosed())
                {
                    waiter.cancel();
                    continue;
                }
                waiter.park(deadline);
                if (Thread.interrupted())
                {
                    throw new InterruptedException();
                }
            }
        }
        finally
        {
            subscription.close(); // ungates the producer at once, whatever ended the await
        }
    }

    /**
     * Like {@link #await(Predicate, long, TimeUnit)}, without blocking: the predicate runs on {@code executor},
     * and the future completes with the matching transition (for a current state that already matches, the
     * transition that led to it). It completes exceptionally with {@link java.util.concurrent.TimeoutException}
     * after the timeout, {@link StateBusClosedException} if the bus closes first, or {@link LappedException}
     * (a {@link Policy#GAP} await). Cancelling it, or any completion, closes its subscription at once. If the
     * predicate throws on the current state, that exception is thrown here and nothing is left subscribed.
     *
     * @param predicate tested on the current state and each later {@code to}.
     * @param timeout   how long to wait at most; not negative.
     * @param unit      the unit of {@code timeout}.
     * @param executor  runs the checks and completes the future.
     * @return a future of the first matching transition.
     * @throws StateBusClosedException if the bus is already closed (a close after this returns completes the
     *                                 future exceptionally instead).
     */
    public CompletableFuture<Transition<S>> awaitAsync(
        final Predicate<? super S> predicate, final long timeout, final TimeUnit unit, final Executor executor)
    {
        Objects.requireNonNull(predicate, "predicate must not be null");
        Objects.requireNonNull(executor, "executor must not be null");
        deadline(timeout, unit);
        final AwaitJoin<S> joined = joinForAwait();
        final Subscription<S> subscription = joined.subscription;
        final ClosingFuture<Transition<S>> future = new ClosingFuture<>(subscription);
        try
        {
            return awaitAsync(subscription, joined.ledHere, future, predicate, timeout, unit, executor);
        }
        catch (final RuntimeException | Error ex)
        {
            subscription.close(); // a predicate or executor that threw must not leave a gate behind
            throw ex;
        }
    }

    private CompletableFuture<Transition<S>> awaitAsync(
        final Subscription<S> subscription,
        final Transition<S> ledHere,
        final ClosingFuture<Transition<S>> future,
        final Predicate<? super S> predicate,
        final long timeout,
        final TimeUnit unit,
        final Executor executor)
    {
        if (predicate.test(subscription.joinState()))
        {
            future.complete(ledHere); // closes the subscription (ClosingFuture)
            return future;
        }
        final AwaitMatcher<S> matcher = new AwaitMatcher<>(predicate);
        final TransitionHandler<S> completer = new TransitionHandler<>()
        {
            @Override
            public void onTransition(final Transition<S> transition, final boolean endOfBatch)
            {
                matcher.onTransition(transition, endOfBatch);
                if (matcher.match != null)
                {
                    future.complete(matcher.match);
                }
            }

            @Override
            public void onGap(final Gap<S> gap)
            {
                matcher.onGap(gap);
                future.completeExceptionally(new LappedException(matcher.missed));
            }
        };
        future.orTimeout(timeout, unit); // its TimeoutException closes the subscription too (ClosingFuture)
        final ExecutorDelivery<S> delivery = new ExecutorDelivery<>(
            this, subscription, completer, executor, future::deliveryEnded);
        subscription.consumedBy("future", delivery);
        delivery.registered();
        return future;
    }

    /**
     * An await's future: any completion closes the subscription first, so the future's dependents (which run
     * inside the completion, possibly on the delivery thread) never find the finished await still gating.
     */
    private static final class ClosingFuture<T> extends CompletableFuture<T>
    {
        private final Subscription<?> subscription;
        /** Set before this future closes its subscription: the delivery's "closed" that follows is not news. */
        private volatile boolean ending;

        ClosingFuture(final Subscription<?> subscription)
        {
            this.subscription = subscription;
        }

        @Override
        public boolean complete(final T value)
        {
            end();
            return super.complete(value);
        }

        @Override
        public boolean completeExceptionally(final Throwable ex)
        {
            end();
            return super.completeExceptionally(lappedIfMissed(ex));
        }

        /**
         * A timeout of an await that has missed transitions is a lap: a GAP poll lapped many times returns before
         * its notice is due (see Subscription), and what went by unseen may have matched. Read once, at the
         * timeout: a poll still running then may count more afterwards, which this await ended before learning.
         */
        private Throwable lappedIfMissed(final Throwable ex)
        {
            if (ex instanceof TimeoutException)
            {
                final long missed = subscription.missed();
                if (missed > 0)
                {
                    return new LappedException(missed);
                }
            }
            return ex;
        }

        @Override
        public boolean cancel(final boolean mayInterruptIfRunning)
        {
            end();
            return super.cancel(mayInterruptIfRunning);
        }

        /** How the delivery ends this future (a throwing predicate, the bus closing, a rejecting executor). */
        void deliveryEnded(final Throwable cause)
        {
            // volatile read after the delivery saw the subscription closed: a close by end() is visible here
            if (!ending)
            {
                completeExceptionally(cause);
            }
        }

        private void end()
        {
            ending = true; // before the close, which the delivery thread may see and report
            subscription.close();
        }
    }

    /**
     * Joins for an await, with the transition that led to the join state read at once, before any predicate runs
     * (the producer may lap the slot meanwhile); joins again if it was lapped even before that read.
     */
    private AwaitJoin<S> joinForAwait()
    {
        while (true)
        {
            final Subscription<S> subscription = join(awaitPolicy, -1);
            final Transition<S> ledHere = transitionAt(subscription);
            if (ledHere != null)
            {
                return new AwaitJoin<>(subscription, ledHere);
            }
            subscription.close(); // never a made-up transition: join again
        }
    }

    /** An await's subscription and the transition that led to its join state (null when not needed). */
    private static final class AwaitJoin<S>
    {
        final Subscription<S> subscription;
        final Transition<S> ledHere;

        AwaitJoin(final Subscription<S> subscription, final Transition<S> ledHere)
        {
            this.subscription = subscription;
            this.ledHere = ledHere;
        }
    }

    /**
     * The transition that led to a subscription's join state, kept as a copy; null if the producer lapped its slot
     * before it could be read (the caller joins again: never a made-up {@code X -> X}).
     */
    private Transition<S> transitionAt(final Subscription<S> subscription)
    {
        final long sequence = subscription.joinSequence();
        final S state = subscription.joinState();
        if (sequence == 0)
        {
            return Transition.of(0, state, state, 0); // the initial state: from == to, no timestamp
        }
        final int fromId = Slot.fromId(ring.get(sequence).states);
        final long timestamp = timestampAt(sequence);
        if (claimedAfterCopy() - capacity < sequence)
        {
            return Transition.of(sequence, table.stateOf(fromId), state, timestamp);
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Counters and lifecycle
    // ------------------------------------------------------------------------------------------------------------

    /**
     * @return the sequence of the latest published transition (0 before the first).
     */
    public long latestSequence()
    {
        return ring.getCursor();
    }

    /**
     * @return how many transitions have been published since the bus was built.
     */
    public long published()
    {
        return latestSequence(); // sequence 0 is the initial state, so the latest sequence is the count
    }

    /**
     * @return how many times a producer found the ring full (a {@link Policy#BLOCK} subscription a whole ring
     *     behind) and had to wait.
     */
    public long producerWaits()
    {
        return (long)PRODUCER_WAITS.getAcquire(this);
    }

    /**
     * @return the total time producers spent waiting for ring capacity, in nanoseconds.
     */
    public long producerWaitNanos()
    {
        return (long)PRODUCER_WAIT_NANOS.getAcquire(this);
    }

    /**
     * @return the ring's number of slots.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * @return who may publish.
     */
    public ProducerMode producerMode()
    {
        return mode;
    }

    /**
     * @return the number of open subscriptions.
     */
    public int subscriptionCount()
    {
        synchronized (subscriptionsLock)
        {
            return subscriptions.size();
        }
    }

    /**
     * @return true once {@link #close()} has been called.
     */
    public boolean isClosed()
    {
        return closed;
    }

    /**
     * Closes the bus; idempotent. Publishing then fails with {@link StateBusClosedException}; producers waiting
     * for capacity are released with it; handler threads deliver what was already published and end; pollers and
     * awaits receive what was already published, then the exception.
     *
     * <p>With {@link ProducerMode#MULTI}, {@code close()} waits for a publish in progress, so nothing is published
     * after it returns. With {@link ProducerMode#SINGLE} the publish path takes no lock and no full fence, so a
     * {@code set} running on the owner thread at the same moment as {@code close()} on another thread may still
     * publish one transition after {@code close()} returns; a subscription that polls after that publish still
     * receives it, one that had already been told "closed" does not. For an exact cut, close a single-producer
     * bus from its producer thread.
     */
    @Override
    public void close()
    {
        final List<Subscription<S>> toRelease;
        synchronized (subscriptionsLock)
        {
            if (closed)
            {
                return;
            }
            FAST_PRODUCER.setVolatile(this, CLOSED_GATE); // before the flag: see fastProducer
            closed = true;
            toRelease = new ArrayList<>(subscriptions);
            subscriptions.clear(); // every one of them is closed now (Subscription#isClosed): none is open
        }
        if (producerLock != null && !producerLock.isHeldByCurrentThread())
        {
            // a publish that read closed == false holds the lock: wait it out, so nothing is published after
            // close() returns (a producer waiting for capacity sees closed, throws and unlocks). Not when this
            // thread holds it (a clock, idle strategy or state's toString closing from inside its own publish):
            // that publish re-reads closed before it claims, so it publishes nothing.
            producerLock.lock();
            producerLock.unlock();
        }
        for (final Subscription<S> subscription : toRelease)
        {
            subscription.busClosed();
        }
        notifyListeners(listeners);
        // wakes handler threads parked in a blocking wait strategy
        waitStrategy.signalAllWhenBlocking();
    }

    /**
     * The second half of every validated read (GAP delivery, replay, the transition behind an await's ALREADY):
     * called after copying the slot of sequence {@code s}, it fences loads and reads the claimed sequence. The
     * producer stores the state word before the slot (store-store fence), so if any copied value came from a later
     * lap, the result shows that lap: the copy is whole only if {@code result - capacity < s}. The word's 40 bits
     * are widened against the cursor loaded right after it, never against {@code s}: a reader's own position may be
     * any number of publications old (a GAP subscription left unpolled for hours, a slow handler).
     */
    long claimedAfterCopy()
    {
        VarHandle.loadLoadFence();
        final long word = stateWord.get();
        return StateWord.sequence(word, ring.getCursor());
    }

    /** The timestamp stored for a sequence; 0 with the no-op clock. Valid only while the slot is not lapped. */
    long timestampAt(final long sequence)
    {
        final long[] times = timestamps;
        return times == null ? 0 : times[(int)sequence & indexMask];
    }

    long[] timestamps()
    {
        return timestamps;
    }

    RingBuffer<Slot> ring()
    {
        return ring;
    }

    StateTable<S> table()
    {
        return table;
    }

    private static IdleStrategy defaultProducerIdle()
    {
        return new BackoffIdleStrategy(64, 16, 1, 50_000);
    }

    static long deadline(final long timeout, final TimeUnit unit)
    {
        Objects.requireNonNull(unit, "unit must not be null");
        if (timeout < 0)
        {
            throw new IllegalArgumentException("timeout must not be negative, got " + timeout + " " + unit);
        }
        final long now = System.nanoTime();
        final long nanos = unit.toNanos(timeout);
        // saturate: a huge timeout means "no deadline in practice", never a deadline in the past
        return nanos > Long.MAX_VALUE / 4 ? now + Long.MAX_VALUE / 4 : now + nanos;
    }

    @Override
    public String toString()
    {
        return "StateBus{state=" + get() + ", sequence=" + latestSequence() + ", capacity=" + capacity +
            ", mode=" + mode + ", subscriptions=" + subscriptionCount() + (closed ? ", closed" : "") + '}';
    }

    /**
     * Builds a {@link StateBus}. Defaults: capacity 1024, {@link ProducerMode#SINGLE},
     * {@link BlockingWaitStrategy} for handler threads (no CPU while idle, and an interrupted handler thread ends;
     * but while a handler thread runs, the producer takes its lock on every publish: pick
     * {@code YieldingWaitStrategy} or {@code BusySpinWaitStrategy} for the lowest latency,
     * {@code SleepingWaitStrategy} for the cheapest publish with little idle CPU; a bus without handler threads
     * never signals its wait strategy), a {@link BackoffIdleStrategy} that spins, yields,
     * then parks at most 50 us for producers waiting on back-pressure, the system nano clock, and setting the
     * current value again publishes nothing.
     *
     * @param <S> the state type.
     */
    public static final class Builder<S>
    {
        private static final int MAX_CAPACITY = 1 << 30;

        private final S initial;
        private final StateTable<S> table;
        private int capacity = 1024;
        private ProducerMode mode = ProducerMode.SINGLE;
        private WaitStrategy waitStrategy = new BlockingWaitStrategy();
        /** Null: each bus gets its own default (StateBus.defaultProducerIdle), never a shared one. */
        private IdleStrategy producerIdle;
        private NanoClock clock = SystemNanoClock.INSTANCE;
        private boolean publishUnchanged;
        private boolean[] allowed;
        private ThreadFactory handlerThreadFactory = new HandlerThreadFactory();
        private Policy awaitPolicy = Policy.BLOCK;

        Builder(final S initial, final StateTable<S> table)
        {
            this.initial = initial;
            this.table = table;
            table.idOf(initial);
        }

        /**
         * @param capacity the ring's slots: a power of two from 2 to 2^30. Allocated now, fixed for life.
         * @return this builder.
         */
        public Builder<S> capacity(final int capacity)
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
        public Builder<S> producerMode(final ProducerMode mode)
        {
            this.mode = Objects.requireNonNull(mode, "producerMode must not be null");
            return this;
        }

        /**
         * @param waitStrategy how handler threads wait for transitions (busy-spin, yielding, blocking, ...).
         * @return this builder.
         */
        public Builder<S> waitStrategy(final WaitStrategy waitStrategy)
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
        public Builder<S> producerIdleStrategy(final IdleStrategy idleStrategy)
        {
            this.producerIdle = Objects.requireNonNull(idleStrategy, "idleStrategy must not be null");
            return this;
        }

        /**
         * The clock that stamps each transition as it is published; {@link SystemNanoClock} unless set.
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
         * @param clock the clock for transition timestamps; {@link #noClock()} for the fastest publish.
         * @return this builder.
         */
        public Builder<S> clock(final NanoClock clock)
        {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /**
         * Transitions carry timestamp 0: publishing skips the clock read.
         *
         * @return this builder.
         */
        public Builder<S> noClock()
        {
            this.clock = NoClock.INSTANCE;
            return this;
        }

        /**
         * @param publishUnchanged whether setting the current value again publishes a transition
         *                         ({@code X -> X}); default false.
         * @return this builder.
         */
        public Builder<S> publishUnchanged(final boolean publishUnchanged)
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
        public final Builder<S> allow(final S from, final S... to)
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
         * @param threadFactory makes the threads of {@link StateBus#subscribe(Policy, TransitionHandler)}.
         * @return this builder.
         */
        public Builder<S> handlerThreadFactory(final ThreadFactory threadFactory)
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
        public Builder<S> awaitPolicy(final Policy policy)
        {
            this.awaitPolicy = Objects.requireNonNull(policy, "awaitPolicy must not be null");
            return this;
        }

        /**
         * Allocates the ring and every slot.
         *
         * @return the bus, in the initial state at sequence 0.
         */
        public StateBus<S> build()
        {
            // a slot is 16 bytes, its reference 4-8, a timestamp 8: refuse clearly rather than fail with OOM
            final long bytes = (clock == NoClock.INSTANCE ? 24L : 32L) * capacity;
            final long maxHeap = Runtime.getRuntime().maxMemory();
            if (bytes > maxHeap / 2)
            {
                throw new IllegalArgumentException("capacity " + capacity + " needs about " + (bytes >> 20) +
                    " MiB for its slots, more than half of this JVM's maximum heap (" + (maxHeap >> 20) + " MiB)");
            }
            return new StateBus<>(this);
        }
    }
}
