package io.statebus.read;

import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import io.statebus.Policy;
import io.statebus.StateBusClosedException;
import io.statebus.TransitionHandler;
import io.statebus.publish.PublishListener;
import io.statebus.ring.SlotWord;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;

/**
 * The engine side of one subscription: its cursor into the ring ({@link #sequence}), one lifecycle word, its
 * counters, and the two ways to read ({@link GatedRead} for {@code BLOCK}, {@link ValidatedRead} for {@code GAP}
 * and replays). Every way to consume (poll, agent, handler thread, executor, await) reads through
 * {@link #pollAvailable} or {@link #deliver}.
 *
 * <p>Its lifecycle word is {@link ReaderLifecycle}'s; where it joined, a {@link JoinPoint}.
 *
 * @param <S> the state type
 */
public final class Reader<S> extends ReaderLifecycle
{
    final TransitionRing ring;
    final StateIds<S> ids;
    final Policy policy;
    /** The last sequence consumed; the producer's gate when the policy is BLOCK. */
    final Sequence sequence;
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

    /** Consumer-thread only, allocated by it on first use, so they live in its allocation buffer. */
    TransitionView<S> view;
    GapView<S> gapView;
    /** Consumer-thread only: the first sequence of a gap not yet reported, or -1. */
    long pendingGapFirst = -1;

    final ReaderCounters counters = new ReaderCounters();

    Reader(
        final Subscriptions<S> registry,
        final Policy policy,
        final Sequence sequence,
        final JoinPoint join,
        final Sequence[] upstream)
    {
        this.registry = registry;
        this.ring = registry.ring;
        this.ids = registry.ids;
        this.policy = policy;
        this.sequence = sequence;
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

    private long available(final long cursor)
    {
        final Sequence[] stages = upstream;
        return stages.length == 0 ? cursor : Math.min(cursor, com.lmax.disruptor.util.Util.getMinimumSequence(stages));
    }

    /**
     * Delivers {@code next..availableNow} (at most {@code limit}) with this reader's policy.
     *
     * @param handler      the handler.
     * @param next         the first sequence not consumed.
     * @param availableNow the latest sequence this reader may read, as its barrier answered.
     * @param limit        the most transitions to deliver.
     * @return how many were delivered.
     */
    public int deliver(final TransitionHandler<S> handler, final long next, final long availableNow, final int limit)
    {
        // a barrier over closed upstream stages answers "infinitely ahead": never read past the cursor
        final long available = upstream.length == 0 ? availableNow : Math.min(availableNow, ring.cursor());
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

    TransitionView<S> view()
    {
        final TransitionView<S> existing = view;
        if (existing != null)
        {
            return existing;
        }
        return view = ring.valuesAreStates() ? new ValueTransitionView<>(ids) :
            ring.isKeyed() ? new KeyedTransitionView<>(ids) :
            ring.hasReferences() ? new ReferenceTransitionView<>(ids) : new TransitionView<>(ids);
    }

    /**
     * One notice per incident, just before the first transition after it ({@code resumeAt}); on a value bus the
     * caller has copied that transition's {@code from} into the view, validated, first.
     */
    void notifyGap(final TransitionHandler<S> handler, final long resumeAt, final int resumeStateId)
    {
        if (gapView == null)
        {
            gapView = new GapView<>(ids, ring.valuesAreStates(), ring.hasReferences());
        }
        gapView.resumeValue = view().fromValue;
        gapView.resumeReference = view().fromReference;
        gapView.firstMissed = pendingGapFirst;
        gapView.lastMissed = resumeAt - 1;
        gapView.resumeStateId = resumeStateId;
        handler.onGap(gapView);
        pendingGapFirst = -1; // after the call: if it threw, the notice is still pending (see failed)
    }

    /**
     * A handler threw at {@code s}, after {@code deliveredNow} transitions of this call. The transition whose
     * {@code onTransition} threw counts as consumed; if its gap notice threw instead, it was never handed over.
     */
    void failed(final Throwable ex, final long s, final long deliveredNow)
    {
        final boolean inGapNotice = pendingGapFirst >= 0;
        consumed(inGapNotice ? s - 1 : s, inGapNotice ? deliveredNow : deliveredNow + 1);
        fail(ex);
    }

    /**
     * A mirror's bus: {@code s}, published, was never received. Counts it and every later lost sequence the ring
     * can no longer hold as missed, opens a gap notice, and moves past them.
     */
    void skipLost(final long s, final long word)
    {
        final long head = Math.max(ring.cursor(), SlotWord.sequence(word, s));
        final long resume = Math.max(s + 1, head - ring.capacity() + 1);
        final boolean newGap = pendingGapFirst < 0;
        if (newGap)
        {
            pendingGapFirst = s;
        }
        counters.addMissed(resume - s, newGap);
        sequence.set(resume - 1); // release: nothing there to read, so the producer may reuse those slots
    }

    void consumed(final long lastSequence, final long deliveredNow)
    {
        // counters first: whoever sees the new position (acquire) then sees counters that account for it
        counters.addDelivered(deliveredNow);
        // release: the slots read may be overwritten once the producer sees this
        sequence.set(lastSequence);
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
        }
    }

    @Override
    void release()
    {
        final PublishListener attached = listener;
        if (attached != null)
        {
            registry.producer.removeListener(attached);
            if (consumedBy == ConsumedBy.EXECUTOR)
            {
                attached.onPublish(); // one more task, which finds this reader closed and ends the delivery
            }
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

    /** @return the policy. */
    public Policy policy()
    {
        return policy;
    }

    /** @return the sequence consumed last. */
    public long position()
    {
        return sequence.get();
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

    /** @return transitions delivered by completed batches. */
    public long delivered()
    {
        return counters.delivered();
    }

    /** @return transitions missed because the producer lapped this reader. */
    public long missed()
    {
        return counters.missed();
    }

    /** @return how many times the producer lapped this reader. */
    public long gaps()
    {
        return counters.gaps();
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
