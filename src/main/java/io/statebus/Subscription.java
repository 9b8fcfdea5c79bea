package io.statebus;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One consumer of a {@link StateBus}: its own sequence (a cursor into the shared ring), a barrier, a
 * {@link Policy}, and counters. It joined at a snapshot ({@link #joinState()}, {@link #joinSequence()}) and
 * receives every later transition in order (or, for {@link Policy#GAP}, a {@link Gap} notice for what it missed).
 *
 * <pre>{@code
 * Subscription<Connection> sub = bus.subscribe(Policy.BLOCK);
 * IdleStrategy idle = new BackoffIdleStrategy();
 * while (running) {
 *     idle.idle(sub.poll(handler, 256));
 * }
 * }</pre>
 *
 * <p>One thread consumes a subscription: the first thread that polls it owns it (a poll from another thread
 * fails with {@link IllegalStateException}). The counters and {@link #close()} may be used from any thread.
 *
 * @param <S> the state type
 */
public final class Subscription<S> implements AutoCloseable
{
    private static final int OPEN = 0;
    private static final int CLOSED = 1;
    private static final int FAILED = 2;
    /** A GAP reader lapped this many times in one poll gives the thread back rather than chase the producer. */
    private static final int MAX_LAPS_PER_POLL = 16;

    private static final VarHandle STATUS;
    private static final VarHandle CONSUMER;
    private static final VarHandle DELIVERED;
    private static final VarHandle MISSED;
    private static final VarHandle GAPS;
    private static final VarHandle FAILURE;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATUS = lookup.findVarHandle(Subscription.class, "status", int.class);
            CONSUMER = lookup.findVarHandle(Subscription.class, "consumer", Thread.class);
            DELIVERED = lookup.findVarHandle(Subscription.class, "delivered", long.class);
            MISSED = lookup.findVarHandle(Subscription.class, "missed", long.class);
            GAPS = lookup.findVarHandle(Subscription.class, "gaps", long.class);
            FAILURE = lookup.findVarHandle(Subscription.class, "failure", Throwable.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final StateBus<S> bus;
    private final RingBuffer<Slot> ring;
    private final int capacity;
    private final Policy policy;
    /** This subscription's cursor: the last sequence consumed. Gates the producer when the policy is BLOCK. */
    private final Sequence sequence;
    private final SequenceBarrier barrier;
    private final long joinSequence;
    private final S joinState;
    /** Sequences up to here (a replay) are read with the GAP check even under BLOCK. */
    private final long validateUpTo;
    private final StateTable<S> table;
    /**
     * Consumer-thread only, and allocated by that thread on its first delivery: the views are written per
     * transition, so they live in the consumer's own allocation buffer, away from other threads' objects.
     */
    private TransitionView<S> view;
    private GapView<S> gapView;

    private volatile int status = OPEN;
    private volatile boolean busClosed;
    private volatile Throwable failure;
    @SuppressWarnings("unused")
    private volatile Thread consumer;
    private volatile Thread handlerThread;
    /** Set when the bus itself consumes this subscription (handler thread, executor): poll is refused. */
    private volatile String internalConsumer;
    /** How the bus wakes this subscription's consumer (executor delivery, await), removed on close. */
    private volatile PublishListener listener;

    /** Consumer-thread only: first sequence of a gap not yet reported, or -1. */
    private long pendingGapFirst = -1;

    /** Single writer (the consuming thread), release stores once per batch; read with acquire by anyone. */
    @SuppressWarnings("unused")
    private long delivered;
    @SuppressWarnings("unused")
    private long missed;
    @SuppressWarnings("unused")
    private long gaps;

    Subscription(
        final StateBus<S> bus,
        final Policy policy,
        final Sequence sequence,
        final long joinSequence,
        final S joinState,
        final long validateUpTo)
    {
        this.bus = bus;
        this.ring = bus.ring();
        this.capacity = ring.getBufferSize();
        this.policy = policy;
        this.sequence = sequence;
        this.barrier = ring.newBarrier();
        this.joinSequence = joinSequence;
        this.joinState = joinState;
        this.validateUpTo = validateUpTo;
        this.table = bus.table();
    }

    /**
     * Delivers the transitions available now, at most {@code limit}, to {@code handler} on the calling thread.
     * Never blocks and allocates nothing. Pair it with an Agrona {@code IdleStrategy}: the count it returns is
     * the work done.
     *
     * @param handler receives each transition (and, for {@link Policy#GAP}, each gap notice first).
     * @param limit   the most transitions to deliver in this call, at least 1.
     * @return how many transitions were delivered (0 if none was available).
     * @throws StateBusClosedException if this subscription is closed or failed, or the bus is closed and every
     *                                 transition published before has been delivered.
     * @throws IllegalStateException   if another thread consumes this subscription, or it has a handler thread.
     * @throws RuntimeException        whatever the handler threw; the subscription has then failed.
     */
    public int poll(final TransitionHandler<S> handler, final int limit)
    {
        if (limit < 1)
        {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        Objects.requireNonNull(handler, "handler must not be null");
        if ((Thread)CONSUMER.getOpaque(this) != Thread.currentThread())
        {
            claimConsumer(); // only a valid poll makes the calling thread the consumer
        }
        return pollAvailable(handler, limit);
    }

    /** {@link #poll} without the consumer-thread check: for the bus's own consumers (executor, await). */
    int pollAvailable(final TransitionHandler<S> handler, final int limit)
    {
        if (status != OPEN)
        {
            throw closedException();
        }
        final long next = sequence.get() + 1;
        // acquire load of the cursor: every slot up to it was written before it was published
        final long available = ring.getCursor();
        if (available < next)
        {
            if (!busClosed)
            {
                return 0;
            }
            // a publish may have landed between the cursor load and the close: busClosed is set after the last
            // publish close() waited for (every one, except on a SINGLE bus closed from another thread), so a
            // cursor load after reading it sees all of those
            final long last = ring.getCursor();
            if (last < next)
            {
                throw closedException();
            }
            return deliver(handler, next, last, limit);
        }
        return deliver(handler, next, available, limit);
    }

    int deliver(final TransitionHandler<S> handler, final long next, final long available, final int limit)
    {
        if (policy == Policy.BLOCK && next > validateUpTo)
        {
            return deliverGated(handler, next, Math.min(available, next + limit - 1));
        }
        return deliverValidated(handler, next, available, limit);
    }

    private TransitionView<S> view()
    {
        final TransitionView<S> existing = view;
        return existing != null ? existing : (view = new TransitionView<>(table));
    }

    /** BLOCK: the producer cannot overwrite these slots until {@code sequence} passes them or the gate is removed. */
    private int deliverGated(final TransitionHandler<S> handler, final long next, final long end)
    {
        final TransitionView<S> view = view();
        long s = next;
        try
        {
            if (pendingGapFirst >= 0 && next <= end)
            {
                // a replay lapped at its very end: the notice is still due, before the first gated transition;
                // its resume state is a copy made while the gate held, like every gated read below
                final int first = ring.get(next).states;
                VarHandle.loadLoadFence();
                if (status != OPEN)
                {
                    return 0;
                }
                notifyGap(handler, next, Slot.fromId(first));
            }
            final RingBuffer<Slot> ring = this.ring;
            final long[] times = bus.timestamps();
            final int mask = capacity - 1;
            for (; s <= end; s++)
            {
                final int states = ring.get(s).states;
                final long timestamp = times == null ? 0 : times[(int)s & mask];
                // The copy is good only if the gate still held after it was made: close() from another thread
                // removes the gate before the producer may overwrite, so read status after the copy, in order.
                VarHandle.loadLoadFence();
                if (status != OPEN)
                {
                    break;
                }
                view.sequence = s;
                view.states = states;
                view.timestampNanos = timestamp;
                handler.onTransition(view, s == end);
            }
        }
        catch (final Throwable ex)
        {
            failed(ex, s, s - next);
            throw ex;
        }
        consumed(s - 1, s - next);
        return (int)(s - next);
    }

    /** GAP (and replays): copy, then check the state word to prove the producer did not touch the slot. */
    private int deliverValidated(
        final TransitionHandler<S> handler, final long next, final long firstAvailable, final int limit)
    {
        final TransitionView<S> view = view();
        final long stop = policy == Policy.BLOCK ? validateUpTo : Long.MAX_VALUE;
        long available = firstAvailable;
        long end = Math.min(Math.min(available, next + limit - 1), stop);
        long s = next;
        int count = 0;
        int laps = 0;
        try
        {
            while (s <= end)
            {
                final int states = ring.get(s).states;
                final long timestamp = bus.timestampAt(s);
                final long head = bus.claimedAfterCopy(); // a whole ring past s: the copy may be from a later lap
                if (head - capacity >= s)
                {
                    final long resume = Math.max(s + 1, head - capacity + 1);
                    if (pendingGapFirst < 0)
                    {
                        pendingGapFirst = s;
                        GAPS.setRelease(this, (long)GAPS.get(this) + 1);
                    }
                    MISSED.setRelease(this, (long)MISSED.get(this) + (resume - s));
                    s = resume;
                    available = ring.getCursor();
                    end = Math.min(Math.min(available, s + (limit - count) - 1), stop);
                    if (++laps > MAX_LAPS_PER_POLL)
                    {
                        break;
                    }
                    continue;
                }
                if (status != OPEN)
                {
                    break;
                }
                if (pendingGapFirst >= 0)
                {
                    notifyGap(handler, s, Slot.fromId(states));
                    if (status != OPEN)
                    {
                        break; // the notice's handler closed this subscription: nothing after it
                    }
                }
                view.sequence = s;
                view.states = states;
                view.timestampNanos = timestamp;
                handler.onTransition(view, s == end);
                count++;
                s++;
            }
        }
        catch (final Throwable ex)
        {
            failed(ex, s, count);
            throw ex;
        }
        consumed(s - 1, count);
        return count;
    }

    /** One notice per incident, just before the first transition after it ({@code resumeAt}). */
    private void notifyGap(final TransitionHandler<S> handler, final long resumeAt, final int resumeStateId)
    {
        if (gapView == null)
        {
            gapView = new GapView<>(table); // once, on the first gap, by the consumer thread
        }
        gapView.firstMissed = pendingGapFirst;
        gapView.lastMissed = resumeAt - 1;
        gapView.resumeStateId = resumeStateId;
        handler.onGap(gapView);
        pendingGapFirst = -1; // after the call: if it threw, the notice is still pending (see failed)
    }

    /**
     * A handler threw while at {@code s}, after {@code delivered} transitions of this call. The transition whose
     * {@code onTransition} threw counts as consumed; if its gap notice threw instead, it was never handed over.
     */
    private void failed(final Throwable ex, final long s, final long delivered)
    {
        final boolean inGapNotice = pendingGapFirst >= 0;
        consumed(inGapNotice ? s - 1 : s, inGapNotice ? delivered : delivered + 1);
        fail(ex);
    }

    private void consumed(final long lastSequence, final long deliveredNow)
    {
        // counters first: whoever sees the new position (acquire) then sees counters that account for it
        DELIVERED.setRelease(this, (long)DELIVERED.get(this) + deliveredNow);
        // release: the slots read above may be overwritten once the producer sees this
        sequence.set(lastSequence);
    }

    private void claimConsumer()
    {
        final Thread current = Thread.currentThread();
        if (internalConsumer != null)
        {
            throw new IllegalStateException("this subscription is consumed by its " + internalConsumer +
                "; poll is not available");
        }
        if (status != OPEN)
        {
            throw closedException(); // a refused poll makes no thread the consumer
        }
        if (!CONSUMER.compareAndSet(this, null, current) && CONSUMER.getVolatile(this) != current)
        {
            throw new IllegalStateException("subscription is consumed by thread '" +
                ((Thread)CONSUMER.getVolatile(this)).getName() + "'; '" + current.getName() + "' may not poll it");
        }
    }

    void startHandlerThread(
        final TransitionHandler<S> handler, final ThreadFactory factory, final HandlerThreadWaitStrategy waits)
    {
        // Counted before any thread can run the task. Exactly one of the task and the failure path below uncounts
        // it: a factory may hand back a thread that already runs the task, and then start() throws.
        final AtomicBoolean unclaimed = new AtomicBoolean(true);
        final long firstWaitNotBefore = waits.handlerThreadRegistered();
        try
        {
            final Thread thread = factory.newThread(() ->
            {
                if (unclaimed.compareAndSet(true, false))
                {
                    runHandler(handler, waits, firstWaitNotBefore);
                }
            });
            if (thread == null)
            {
                throw new IllegalStateException("the handler thread factory returned no thread");
            }
            internalConsumer = "handler thread";
            handlerThread = thread;
            CONSUMER.setVolatile(this, thread);
            thread.start();
        }
        catch (final RuntimeException | Error ex)
        {
            if (unclaimed.compareAndSet(true, false))
            {
                waits.handlerThreadEnded(); // the task never ran; one already running stays counted until it ends
            }
            throw ex;
        }
    }

    private void runHandler(
        final TransitionHandler<S> handler, final HandlerThreadWaitStrategy waits, final long firstWaitNotBefore)
    {
        try
        {
            HandlerThreadWaitStrategy.firstWaitNotBefore(firstWaitNotBefore);
            deliverUntilEnded(handler);
        }
        finally
        {
            waits.handlerThreadEnded();
        }
    }

    private void deliverUntilEnded(final TransitionHandler<S> handler)
    {
        while (true)
        {
            final long next = sequence.get() + 1;
            final long available;
            try
            {
                available = barrier.waitFor(next);
            }
            catch (final AlertException ex)
            {
                if (status == OPEN && busClosed)
                {
                    drainAfterBusClosed(handler);
                }
                return;
            }
            catch (final TimeoutException ex)
            {
                continue;
            }
            catch (final InterruptedException ex)
            {
                close();
                return;
            }
            if (available >= next)
            {
                try
                {
                    deliver(handler, next, available, Integer.MAX_VALUE);
                }
                catch (final Throwable ex)
                {
                    return; // fail() recorded it and ungated this subscription
                }
            }
            if (status != OPEN)
            {
                return;
            }
        }
    }

    private void drainAfterBusClosed(final TransitionHandler<S> handler)
    {
        try
        {
            long next = sequence.get() + 1;
            long available = ring.getCursor();
            while (available >= next && status == OPEN)
            {
                deliver(handler, next, available, Integer.MAX_VALUE);
                next = sequence.get() + 1;
                available = ring.getCursor();
            }
        }
        catch (final Throwable ignore)
        {
            // fail() recorded it
        }
    }

    void fail(final Throwable cause)
    {
        // the cause first: whoever sees FAILED sees it (failure() reports it only if this call failed us)
        FAILURE.compareAndSet(this, null, cause);
        if (STATUS.compareAndSet(this, OPEN, FAILED))
        {
            release();
        }
    }

    /**
     * Closes this subscription; idempotent, from any thread. A {@link Policy#BLOCK} subscription stops holding
     * the producer back at once; a handler thread ends.
     */
    @Override
    public void close()
    {
        if (STATUS.compareAndSet(this, OPEN, CLOSED))
        {
            release();
        }
    }

    private void release()
    {
        final PublishListener attached = listener;
        if (attached != null)
        {
            bus.removeListener(attached);
        }
        bus.removed(this);
        barrier.alert();
    }

    void consumedBy(final String consumer, final PublishListener wakeUp)
    {
        internalConsumer = consumer;
        listener = wakeUp;
        bus.addListener(wakeUp);
    }

    void busClosed()
    {
        busClosed = true;
        barrier.alert();
    }

    private StateBusClosedException closedException()
    {
        final int current = status;
        if (current == FAILED)
        {
            return new StateBusClosedException("subscription failed: its handler threw " + failure, failure);
        }
        if (current == CLOSED)
        {
            return new StateBusClosedException("subscription is closed");
        }
        return new StateBusClosedException("bus is closed and every transition published before was delivered");
    }

    /**
     * @return what happens when this subscription is a whole ring behind.
     */
    public Policy policy()
    {
        return policy;
    }

    /**
     * @return the sequence of the snapshot this subscription joined at: it receives every later transition.
     */
    public long joinSequence()
    {
        return joinSequence;
    }

    /**
     * @return the state at the join snapshot: the {@code from} of the first transition received.
     */
    public S joinState()
    {
        return joinState;
    }

    /**
     * Updated once per poll (per batch on a handler thread or executor), after the handler returned from the
     * batch's last transition: read inside a handler, it does not count the batch being delivered yet.
     *
     * @return the last sequence consumed (delivered, or counted in {@link #missed()}) by the batches completed.
     */
    public long position()
    {
        return sequence.get();
    }

    /**
     * Updated once per poll (per batch), like {@link #position()}; {@link #missed()} is updated as each lap is
     * found, before the position, so another thread never finds {@code delivered + missed} behind the position.
     *
     * @return transitions delivered to the handler by the batches completed.
     */
    public long delivered()
    {
        return (long)DELIVERED.getAcquire(this);
    }

    /**
     * @return transitions missed because the producer lapped this subscription (always 0 for {@link Policy#BLOCK}
     *     outside a replay).
     */
    public long missed()
    {
        return (long)MISSED.getAcquire(this);
    }

    /**
     * @return how many times this subscription was lapped (one gap notice each).
     */
    public long gaps()
    {
        return (long)GAPS.getAcquire(this);
    }

    /**
     * @return how many published transitions this subscription has not consumed yet.
     */
    public long lag()
    {
        return Math.max(0, ring.getCursor() - sequence.get());
    }

    /**
     * @return true once closed, failed, or the bus closed.
     */
    public boolean isClosed()
    {
        return status != OPEN || busClosed;
    }

    /**
     * @return what the handler threw if it failed this subscription, else null.
     */
    public Throwable failure()
    {
        return status == FAILED ? failure : null;
    }

    /**
     * @return true if a transition is published that this subscription has not consumed yet, or it is closed.
     */
    boolean hasWorkOrClosed()
    {
        return ring.getCursor() > sequence.get() || status != OPEN || busClosed;
    }

    /**
     * @return the handler thread, if this subscription has one, else null.
     */
    public Thread handlerThread()
    {
        return handlerThread;
    }

    /**
     * @return the bus this subscription belongs to.
     */
    public StateBus<S> bus()
    {
        return bus;
    }

    Sequence sequenceForBus()
    {
        return sequence;
    }

    @Override
    public String toString()
    {
        return "Subscription{" + policy + ", joined at #" + joinSequence + " " + joinState + ", position=" +
            position() + ", delivered=" + delivered() + ", missed=" + missed() + ", gaps=" + gaps() +
            (isClosed() ? ", closed" : "") + '}';
    }
}
