package io.statebus.publish;

import com.lmax.disruptor.Sequence;
import io.statebus.StateBusClosedException;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

/**
 * The one way into the ring: {@code set}, {@code trySet} and {@code compareAndSet} all call {@link #publish}.
 * Subclasses decide who holds the right to publish (one owner thread, or a lock); the path every publish takes once
 * it holds it (the rules, the clock, the claim and back-pressure, the write) is its base, {@link HeldPublish}; this
 * class adds the entry points and telling the listeners.
 *
 * @param <S> the state type
 */
public abstract class Producer<S> extends HeldPublish<S>
{
    final Listeners listeners = new Listeners();

    Producer(
        final TransitionRing ring,
        final StateIds<S> ids,
        final TransitionRules rules,
        final NanoClock clock,
        final IdleStrategy idle)
    {
        super(ring, ids, rules, clock, idle);
    }

    /**
     * Publishes {@code from -> toId} if the rules allow it.
     *
     * @param expectedId the state a compare-and-set expects, or -1 for a plain set.
     * @param toId       the new state's id.
     * @param deadline   a {@code System.nanoTime()} deadline, or {@link PublishResult#NO_DEADLINE}.
     * @return the published sequence, or a {@link PublishResult} code.
     * @throws StateBusClosedException if the bus is closed, also while waiting; nothing published.
     */
    public abstract long publish(int expectedId, int toId, long deadline);

    /**
     * A value bus: publishes {@code from -> next} (the slot's longs) unless unchanged or a failed compare.
     *
     * @param compare  whether this is a compare-and-set.
     * @param expected the value a compare-and-set expects (ignored otherwise).
     * @param next     the new value.
     * @param deadline a {@code System.nanoTime()} deadline, or {@link PublishResult#NO_DEADLINE}.
     * @return the published sequence, or a {@link PublishResult} code.
     * @throws StateBusClosedException if the bus is closed, also while waiting; nothing published.
     */
    public abstract long publishValue(boolean compare, long expected, long next, long deadline);

    /**
     * Runs a keyed bus's operation while holding the right to publish (the owner thread, or the lock), then tells
     * the listeners if it published.
     *
     * @param operation what to run; preallocated, so a call allocates nothing.
     * @param op        which of its operations.
     * @param key       the entity's key.
     * @param a         the operation's first state id argument.
     * @param b         its second.
     * @param deadline  a {@code System.nanoTime()} deadline, or {@link PublishResult#NO_DEADLINE}.
     * @return what the operation returned: a sequence or a {@link PublishResult} code.
     */
    public abstract long runHeld(HeldOperation operation, int op, long key, int a, int b, long deadline);

    /**
     * A reference value bus: publishes {@code from -> next} (the slot's references) unless unchanged or a failed
     * compare, both decided by {@link Object#equals}.
     *
     * @param compare  whether this is a compare-and-set.
     * @param expected the value a compare-and-set expects (ignored otherwise).
     * @param next     the new value.
     * @param deadline a {@code System.nanoTime()} deadline, or {@link PublishResult#NO_DEADLINE}.
     * @return the published sequence, or a {@link PublishResult} code.
     * @throws StateBusClosedException if the bus is closed, also while waiting; nothing published.
     */
    public abstract long publishReference(boolean compare, Object expected, Object next, long deadline);

    /**
     * Moves a replaying {@code BLOCK} subscription's gate back to {@code to}, and returns once every claim the
     * producers decide from then on honours it: the caller then reads the cursor, and each claim that did not
     * honour it is either seen there or is the one publish still in flight (it claims the slot after the cursor; a
     * replay is offered only from the slot after that's). For a ring's worth of claims the producers ask every
     * gate rather than the sequencer's cache (see {@link BackPressure}).
     *
     * <p>The store is volatile (a full fence after it): the cursor read that follows must not pass it. A
     * many-producer bus needs nothing more: each producer takes the lock, a full fence, before it reads the gates
     * again. A single producer has no fence on its fast path, so its owner is asked to see the gate
     * ({@link #awaitProducersSeeGate}).
     *
     * @param gate the subscription's gate, already added at the cursor.
     * @param to   the last sequence it has consumed.
     */
    public final void moveGateBack(final Sequence gate, final long to)
    {
        backPressure.checkEveryGateUntil(ring.cursor());
        listenersSeen(); // shuts the single producer's fast path, which never asks every gate
        gate.setVolatile(to); // StoreLoad: seen by every producer before the caller reads the cursor (see above)
        awaitProducersSeeGate();
    }

    /** After {@link #moveGateBack} stored the gate: returns once the producers honour it (see there). */
    void awaitProducersSeeGate()
    {
    }

    /**
     * @return whether one thread publishes (a single-producer bus).
     */
    public boolean hasOneProducer()
    {
        return false;
    }

    /**
     * @param thread a thread.
     * @return whether it is this bus's one producer (a single-producer bus whose owner it is).
     */
    public boolean isOnlyProducer(final Thread thread)
    {
        return false;
    }

    /** Closes the way in: from now on every publish fails. */
    public abstract void close();

    /** After {@link #close()}: returns once no publish that began before it can still publish. */
    public abstract void awaitPublishInProgress();

    /**
     * After a publish, outside any lock (an executor may run a handler right here, which may publish or close):
     * tells the awaits and executor subscriptions, if any.
     */
    final long told(final long result)
    {
        if (result > 0)
        {
            final PublishListener[] toTell = listeners.current();
            if (toTell.length != 0 && !isClosed())
            {
                listenersSeen(); // once closed, close() itself has told everyone, after this publish
                Listeners.tell(toTell);
            }
        }
        return result;
    }

    /** Listeners were found or a gate moved back: the single producer's fast path must not skip them now. */
    void listenersSeen()
    {
    }

    /**
     * @param listener told after every publish from now on, until removed.
     */
    public void addListener(final PublishListener listener)
    {
        listeners.add(listener);
    }

    /**
     * @param listener a listener to stop telling.
     */
    public void removeListener(final PublishListener listener)
    {
        listeners.remove(listener);
    }

    /**
     * @return how many awaits and executor subscriptions this producer tells after each publish now.
     */
    public int listenerCount()
    {
        return listeners.current().length;
    }

    /** Tells every listener once: the bus closed. */
    public void tellClosed()
    {
        Listeners.tell(listeners.current());
    }

    /**
     * @return the back-pressure counters.
     */
    public final BackPressure backPressure()
    {
        return backPressure;
    }
}
