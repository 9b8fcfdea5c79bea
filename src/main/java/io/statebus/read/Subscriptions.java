package io.statebus.read;

import com.lmax.disruptor.Sequence;
import io.statebus.Policy;
import io.statebus.ReplayUnavailableException;
import io.statebus.StateBusClosedException;
import io.statebus.publish.Producer;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where readers join and leave: the join snapshot, replays, and the list of open readers that closing the bus
 * releases.
 *
 * @param <S> the state type
 */
public final class Subscriptions<S>
{
    /**
     * A {@code fromSequence} that replays the latest transition at the join, whatever its sequence (awaits); none if
     * there is none to replay (nothing published, or a mirror's latest sequence is lost): the reader then joins after
     * now, at the latest.
     */
    public static final long REPLAY_LATEST = -2;

    final TransitionRing ring;
    final StateIds<S> ids;
    final Producer<S> producer;
    private final List<Reader<S>> open = new ArrayList<>();
    private boolean closed;

    /**
     * @param ring     the ring.
     * @param ids      the states.
     * @param producer the bus's way in (closing, listeners, replay gates).
     */
    public Subscriptions(final TransitionRing ring, final StateIds<S> ids, final Producer<S> producer)
    {
        this.ring = ring;
        this.ids = ids;
        this.producer = producer;
    }

    /**
     * Joins at a snapshot {@code (sequence, state)} taken atomically, or replays from {@code fromSequence}.
     *
     * @param policy       the reader's policy.
     * @param fromSequence the first sequence to receive (a replay), or -1 for "after now".
     * @return a new open reader.
     * @throws StateBusClosedException    if the bus is closed.
     * @throws ReplayUnavailableException if {@code fromSequence} is no longer, or not yet, in the ring.
     */
    public Reader<S> join(final Policy policy, final long fromSequence)
    {
        return join(policy, fromSequence, List.of());
    }

    /**
     * Joins as a pipeline stage: the reader sees a transition only after every one of {@code after} has consumed
     * it (while it is open), as the Disruptor's {@code handleEventsWith(a).then(b)} does.
     *
     * @param policy       the reader's policy.
     * @param fromSequence the first sequence to receive (a replay), -1 for "after now", or {@link #REPLAY_LATEST}.
     * @param after        the upstream stages, readers of this bus.
     * @return a new open reader.
     * @throws IllegalArgumentException if a stage is of another bus.
     * @throws StateBusClosedException  if the bus is closed.
     */
    public synchronized Reader<S> join(final Policy policy, final long fromSequence, final List<Reader<S>> after)
    {
        Objects.requireNonNull(policy, "policy must not be null");
        final Sequence[] upstream = positionsOf(after);
        if (closed)
        {
            throw new StateBusClosedException("bus is closed: cannot subscribe");
        }
        final Sequence gate = new Sequence(Long.MAX_VALUE);
        if (policy == Policy.BLOCK)
        {
            // set to the cursor while added (the Disruptor's CAS loop): from here nothing after it is overwritten
            ring.addGate(gate);
        }
        // after the gating CAS (a full fence): the snapshot is at or after the gate's value
        final JoinPoint now = JoinPoint.atLatest(ring);
        final long latest = now.latest;
        JoinPoint join = now;
        // the latest replayed, unless there is none: nothing published yet, or a mirror's latest sequence is lost
        final boolean replayable = latest >= 1 && !ring.isLost(latest);
        final long from = fromSequence != REPLAY_LATEST ? fromSequence : replayable ? latest : -1;
        if (from > latest + 1 || (from >= 0 && from < oldestOffered(latest)))
        {
            throw refuseReplay(policy, gate, from, latest);
        }
        if (from >= 0 && from <= latest)
        {
            if (policy == Policy.BLOCK)
            {
                producer.moveGateBack(gate, from - 1);
            }
            // the replay's first slot, checked after the gate moved back: whole and not yet lapped
            join = now.beforeReplayOf(ring, from);
            final long head = ring.cursor();
            if (join == null || from < oldestOffered(head))
            {
                throw refuseReplay(policy, gate, from, head);
            }
        }
        gate.set(join.sequence);
        final Reader<S> reader = new Reader<>(this, policy, gate, join, upstream);
        open.add(reader);
        return reader;
    }

    /** The positions a pipeline stage waits for: each upstream stage's, checked to be a reader of this bus. */
    private Sequence[] positionsOf(final List<Reader<S>> after)
    {
        final Sequence[] upstream = new Sequence[after.size()];
        for (int i = 0; i < upstream.length; i++)
        {
            final Reader<S> stage = Objects.requireNonNull(after.get(i), "an upstream stage must not be null");
            if (stage.registry() != this)
            {
                throw new IllegalArgumentException("an upstream stage must be a subscription of the same bus");
            }
            upstream[i] = new UpstreamPosition(stage);
        }
        return upstream;
    }

    /**
     * The oldest sequence a replay is offered: the slot after the latest one's is the next to be claimed, so its
     * transition may be overwritten at any moment and is not offered.
     */
    private long oldestOffered(final long latest)
    {
        return Math.max(1, latest - ring.capacity() + 2);
    }

    private ReplayUnavailableException refuseReplay(
        final Policy policy, final Sequence gate, final long fromSequence, final long latest)
    {
        if (policy == Policy.BLOCK)
        {
            ring.removeGate(gate); // nothing subscribed: the gate must not outlive the refusal
        }
        // in the ring's range, yet refused: lost upstream (a mirror's), unless lapped meanwhile (then not lost-marked)
        final boolean lost =
            fromSequence >= oldestOffered(latest) && fromSequence <= latest && ring.isLost(fromSequence);
        return new ReplayUnavailableException(fromSequence, oldestOffered(latest), latest, lost);
    }

    void removed(final Reader<S> reader)
    {
        synchronized (this)
        {
            open.remove(reader);
        }
        if (reader.policy == Policy.BLOCK)
        {
            ring.removeGate(reader.gate());
        }
    }

    /**
     * @return the number of open readers.
     */
    public synchronized int count()
    {
        return open.size();
    }

    /**
     * Refuses every later join, and returns the readers open now (each closed from now on).
     *
     * @return the readers to release, or null if already closed.
     */
    public List<Reader<S>> close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return null;
            }
            closed = true;
            producer.close(); // under this lock: a join either sees the bus closed or finishes before it
            final List<Reader<S>> toRelease = new ArrayList<>(open);
            open.clear();
            return toRelease;
        }
    }

    /**
     * Tells each released reader that the bus closed: it delivers what was published, then ends.
     *
     * @param released what {@link #close()} returned.
     */
    public static void busClosed(final List<? extends Reader<?>> released)
    {
        for (final Reader<?> reader : released)
        {
            reader.busClosed();
        }
    }
}
