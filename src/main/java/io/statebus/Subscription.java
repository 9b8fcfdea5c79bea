package io.statebus;

import io.statebus.read.ConsumedBy;
import io.statebus.read.Reader;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import java.util.Objects;

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
    private static final VarHandle CONSUMER;

    static
    {
        try
        {
            CONSUMER = MethodHandles.lookup().findVarHandle(Subscription.class, "consumer", Thread.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final StateBus<S> bus;
    private final Reader<S> reader;
    /** The polling thread, set once by the first valid poll. */
    @SuppressWarnings("unused")
    private volatile Thread consumer;
    /** Consumer-thread only: true while a poll is delivering, so a poll from inside its handler is refused. */
    private boolean polling;

    Subscription(final StateBus<S> bus, final Reader<S> reader)
    {
        this.bus = bus;
        this.reader = reader;
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
     * @throws IllegalStateException   if another thread consumes this subscription, or it has a handler thread,
     *                                 or the call comes from inside a handler of this subscription's own poll (the
     *                                 batch being delivered is not consumed yet: it would be delivered twice).
     * @throws RuntimeException        whatever the handler threw; the subscription has then failed.
     */
    public int poll(final TransitionHandler<S> handler, final int limit)
    {
        checkPoll(handler, limit);
        polling = true;
        try
        {
            return reader.pollAvailable(handler, limit);
        }
        finally
        {
            polling = false;
        }
    }

    /**
     * A poll's checks, which change nothing unless they pass: the limit, the handler, and the calling thread, which
     * becomes the consumer. An adapter that keeps the handler in a field (a long or keyed subscription) calls it
     * before it writes the field, so a refused thread never replaces the consumer's handler mid-poll.
     *
     * @param handler the handler of the poll, checked not null.
     * @param limit   the poll's limit.
     */
    void checkPoll(final Object handler, final int limit)
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
        if (polling) // read on the consumer thread only, the one that writes it
        {
            throw new IllegalStateException("poll called from inside this subscription's own handler: the batch " +
                "being delivered is not consumed yet; return from the handler and poll again");
        }
    }

    private void claimConsumer()
    {
        final Thread current = Thread.currentThread();
        final ConsumedBy internal = reader.consumedBy();
        if (internal != null)
        {
            throw new IllegalStateException("this subscription is consumed by " + internal + "; poll is not available");
        }
        if (reader.isEnded())
        {
            throw reader.closedException(); // a refused poll makes no thread the consumer
        }
        if (!CONSUMER.compareAndSet(this, null, current) && CONSUMER.getVolatile(this) != current)
        {
            throw new IllegalStateException("subscription is consumed by thread '" +
                ((Thread)CONSUMER.getVolatile(this)).getName() + "'; '" + current.getName() + "' may not poll it");
        }
    }

    /**
     * Closes this subscription; idempotent, from any thread. A {@link Policy#BLOCK} subscription stops holding
     * the producer back at once; a handler thread ends.
     */
    @Override
    public void close()
    {
        reader.close();
    }

    /**
     * @return what happens when this subscription is a whole ring behind.
     */
    public Policy policy()
    {
        return reader.policy();
    }

    /**
     * @return the sequence of the snapshot this subscription joined at: it receives every later transition.
     */
    public long joinSequence()
    {
        return reader.joinSequence();
    }

    /**
     * @return the state at the join snapshot: the {@code from} of the first transition received.
     */
    public S joinState()
    {
        return reader.joinState();
    }

    /**
     * Updated once per poll (per batch on a handler thread or executor), after the handler returned from the
     * batch's last transition: read inside a handler, it does not count the batch being delivered yet.
     *
     * @return the last sequence consumed (delivered, or counted in {@link #missed()}) by the batches completed.
     */
    public long position()
    {
        return reader.position();
    }

    /**
     * Updated once per poll (per batch), like {@link #position()}; {@link #missed()} is updated as each lap is
     * found, before the position, so another thread never finds {@code delivered + missed} behind the position.
     *
     * @return transitions delivered to the handler by the batches completed.
     */
    public long delivered()
    {
        return reader.delivered();
    }

    /**
     * @return transitions missed because the producer lapped this subscription (always 0 for {@link Policy#BLOCK}).
     */
    public long missed()
    {
        return reader.missed();
    }

    /**
     * @return how many times this subscription was lapped (one gap notice each). Counted, as {@link #missed()} is,
     *     when the lap is found: a poll that ends on a lap (after {@code limit} transitions, or its 16th lap) counts
     *     it, and the next poll gives its notice first.
     */
    public long gaps()
    {
        return reader.gaps();
    }

    /**
     * @return how many published transitions this subscription has not consumed yet.
     */
    public long lag()
    {
        return reader.lag();
    }

    /**
     * @return true once closed, failed, or the bus closed.
     */
    public boolean isClosed()
    {
        return !reader.isOpen();
    }

    /**
     * @return what failed this subscription, else null: what its handler threw, or what its executor threw when
     *     handed a delivery task (a refusal).
     */
    public Throwable failure()
    {
        return reader.failure();
    }

    /**
     * @return the handler thread, if this subscription has one, else null.
     */
    public Thread handlerThread()
    {
        return reader.handlerThread();
    }

    /**
     * @return the bus this subscription belongs to; null on a {@link ValueStateBus}, {@link LongStateBus} or
     *     {@link KeyedStateBus}, which hand out their own subscriptions or this one without a {@code StateBus}.
     */
    public StateBus<S> bus()
    {
        return bus;
    }

    Reader<S> reader()
    {
        return reader;
    }

    @Override
    public String toString()
    {
        return describe("Subscription", " " + joinState());
    }

    /**
     * The one format of a subscription's {@code toString}, for the wrappers too.
     *
     * @param name     the type's name.
     * @param joinedAt what follows the join sequence: a space and the join state or value, or nothing (a keyed
     *                 subscription's join has no one state).
     */
    String describe(final String name, final String joinedAt)
    {
        return name + "{" + policy() + ", joined at #" + joinSequence() + joinedAt + ", position=" +
            position() + ", delivered=" + delivered() + ", missed=" + missed() + ", gaps=" + gaps() +
            (isClosed() ? ", closed" : "") + '}';
    }
}
