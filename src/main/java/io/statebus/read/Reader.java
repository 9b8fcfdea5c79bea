package io.statebus.read;

import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import io.statebus.Policy;
import io.statebus.StateBusClosedException;
import io.statebus.TransitionHandler;
import io.statebus.publish.PublishListener;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;

/**
 * The engine side of one subscription: its cursor into the ring ({@link #sequence}), one lifecycle word, its
 * counters, and the two ways to read ({@link GatedRead} for {@code BLOCK}, {@link ValidatedRead} for {@code GAP}
 * and replays). Every way to consume (poll, agent, handler thread, executor, await) reads through
 * {@link #pollAvailable} or {@link #deliver}.
 *
 * <p>Three layers of one object: its lifecycle word ({@link ReaderLifecycle}), what its consuming thread keeps as
 * it reads ({@link ReaderPosition}), and this class: joining ({@link JoinPoint}), reading, detaching.
 *
 * @param <S> the state type
 */
public final class Reader<S> extends ReaderPosition<S>
{
    final Policy policy;
    /** Where this reader joined: the sequence before its first transition, and the state there. */
    private final JoinPoint join;
    /** Sequences up to here (a replay) are read validated even under BLOCK. */
    final long validateUpTo;
    private final Subscriptions<S> registry;
    /** The positions of the stages this reader comes after (a pipeline), or none. */
    private final Sequence[] upstream;
    private final SequenceBarrier barrier;

    /** Set when the bus itself consumes this reader (handler thread, executor, await): poll is refused. */
    private volatile ConsumedBy consumedBy;
    private volatile PublishListener listener;
    private volatile Thread handlerThread;

    Reader(
        final Subscriptions<S> registry,
        final Policy policy,
        final Sequence sequence,
        final JoinPoint join,
        final Sequence[] upstream)
    {
        super(registry.ring, registry.ids, sequence);
        this.registry = registry;
        this.policy = policy;
        this.join = join;
        this.validateUpTo = join.latest;
        this.upstream = upstream;
        this.barrier = ring.sequencer().newBarrier(upstream);
    }

    /**
     * Delivers what is available now, at most {@code limit}, on the calling thread; the caller is this reader's
     * one consumer (a poller, checked by {@code Subscription}, or the bus's own: handler thread, executor, await).
     *
     * @param handler the handler.
     * @param limit   the most transitions to deliver.
     * @return how many were delivered.
     * @throws StateBusClosedException once closed, failed, or drained after the bus closed.
     */
    public int pollAvailable(final TransitionHandler<S> handler, final int limit)
    {
        final int now = status;
        if (now > DRAINING)
        {
            throw closedException();
        }
        final long next = sequence.get() + 1;
        final long available = available(); // acquire: every slot up to it was written before it was published
        if (available < next)
        {
            if (now == OPEN || available(ring.cursor()) < ring.cursor())
            {
                return 0; // nothing published yet, or (draining) upstream stages still have work before this one
            }
            // DRAINING is set after the last publish close() waited for: a cursor load after reading it sees it
            final long last = ring.cursor();
            if (last < next)
            {
                throw closedException();
            }
            return deliver(handler, next, last, limit);
        }
        return deliver(handler, next, available, limit);
    }

    /** @return the latest sequence this reader may read: the cursor, or the slowest open upstream stage before it. */
    public long available()
    {
        return available(ring.cursor());
    }

    /** @return the latest sequence this reader may read when the cursor is {@code cursor} (see {@link #available}). */
    long available(final long cursor)
    {
        final Sequence[] stages = upstream;
        return stages.length == 0 ? cursor : Math.min(cursor, com.lmax.disruptor.util.Util.getMinimumSequence(stages));
    }

    /**
     * Delivers {@code next..available} (at most {@code limit}) with this reader's policy.
     *
     * @param handler      the handler.
     * @param next         the first sequence not consumed.
     * @param available    the latest sequence this reader may read, as its barrier answered (a pipeline stage's
     *                     too is never past the cursor: {@link UpstreamPosition}).
     * @param limit        the most transitions to deliver.
     * @return how many were delivered.
     */
    public int deliver(final TransitionHandler<S> handler, final long next, final long available, final int limit)
    {
        if (policy != Policy.BLOCK)
        {
            return ValidatedRead.deliver(this, handler, next, available, limit);
        }
        if (next > validateUpTo)
        {
            return GatedRead.deliver(this, handler, next, Math.min(available, next + limit - 1));
        }
        // a BLOCK replay: validated up to its join point, gated after it, in one call
        final int replayed = ValidatedRead.deliver(this, handler, next, available, limit);
        final long after = sequence.get() + 1;
        if (after > validateUpTo && after <= available && replayed < limit && status <= DRAINING)
        {
            return replayed + GatedRead.deliver(this, handler, after, Math.min(available, after + (limit - replayed) - 1));
        }
        return replayed;
    }

    /**
     * The bus consumes this reader from now on; poll is refused.
     *
     * @param by     who consumes it.
     * @param wakeUp how the producer wakes it, or null (a handler thread waits on the barrier instead).
     * @param thread the handler thread, or null.
     */
    public void consumedBy(final ConsumedBy by, final PublishListener wakeUp, final Thread thread)
    {
        consumedBy = by;
        handlerThread = thread;
        if (wakeUp != null)
        {
            listener = wakeUp;
            registry.producer.addListener(wakeUp);
            if (isEnded())
            {
                // closed meanwhile, by another thread: its release may have read no listener (it sets the status,
                // then reads the listener; this writes the listener, then reads the status), so it is not removed
                registry.producer.removeListener(wakeUp);
            }
        }
    }

    @Override
    void release()
    {
        final PublishListener attached = listener;
        if (attached != null)
        {
            registry.producer.removeListener(attached);
            // wake its consumer, which no publish tells any more: an executor's one more task, or an await parked
            // until its deadline (closed by another thread), finds this reader closed and ends
            attached.onPublish();
        }
        registry.removed(this);
        barrier.alert();
    }

    @Override
    void wakeConsumer()
    {
        barrier.alert();
    }

    // ---- what the ways to consume and the public face read ----

    /** @return true if a published transition is not consumed yet, or this reader is no longer open. */
    public boolean hasWorkOrClosed()
    {
        return available() > sequence.get() || status != OPEN;
    }

    /** @return whether the bus this reader reads has closed. */
    public boolean isBusClosed()
    {
        return registry.producer.isClosed();
    }

    /** @return the policy. */
    public Policy policy()
    {
        return policy;
    }

    /** @return the join snapshot's sequence. */
    public long joinSequence()
    {
        return join.sequence;
    }

    /** @return the latest published sequence when this reader joined (a replay starts before it). */
    public long latestAtJoin()
    {
        return validateUpTo;
    }

    /** @return the join snapshot's state. */
    public S joinState()
    {
        return join.state(ring, ids);
    }

    /** @return a long bus's state at the join snapshot. */
    public long joinValue()
    {
        return join.value;
    }

    /** @return published transitions not consumed yet. */
    public long lag()
    {
        return Math.max(0, ring.cursor() - sequence.get());
    }

    /** @return the handler thread, or null. */
    public Thread handlerThread()
    {
        return handlerThread;
    }

    /** @return the barrier a handler thread waits on. */
    public SequenceBarrier barrier()
    {
        return barrier;
    }

    /** @return who consumes this reader if not a poller, else null. */
    public ConsumedBy consumedBy()
    {
        return consumedBy;
    }

    /** @return the bus's states. */
    public StateIds<S> ids()
    {
        return ids;
    }

    /** @return the ring. */
    public TransitionRing ring()
    {
        return ring;
    }

    Sequence gate()
    {
        return sequence;
    }

    Subscriptions<S> registry()
    {
        return registry;
    }
}
