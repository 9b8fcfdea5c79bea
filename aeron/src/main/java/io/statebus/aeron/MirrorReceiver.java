package io.statebus.aeron;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.statebus.KeyedStateBusBuilder;
import io.statebus.LongStateBusBuilder;
import io.statebus.StateBus;
import io.statebus.StateBusBuilder;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Polls one Aeron {@link Subscription} and feeds the {@link MirroredBus}es registered on it, one per bus id: many
 * buses over one connection.
 *
 * <pre>{@code
 * MirrorReceiver receiver = new MirrorReceiver(aeron.addSubscription(channel, streamId), aeron, listener, 256);
 * MirroredBus<Session> sessions = receiver.mirror(1, StateTable.forEnum(Session.class), b -> b.capacity(1024));
 * AgentRunner.startOnThread(new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null, receiver));
 * }</pre>
 *
 * <p>An Agrona {@link Agent}: run it on an {@code AgentRunner} (its thread then appends to every mirrored bus), in a
 * {@code CompositeAgent}, or call {@link #doWork()} from your own duty cycle; one thread at a time, always the same
 * (the thread that first appends owns a mirrored bus). Each duty cycle polls at most {@code fragmentLimit} messages
 * and allocates nothing per message. A message that a {@code BLOCK} subscription of a local bus holds back is left
 * in the stream and offered again on the next duty cycle (Aeron's controlled poll), so the stream back-pressures
 * the bridge rather than this thread blocking.
 *
 * <p>Malformed, foreign and unknown-bus messages are refused: counted ({@link #malformed()}, Aeron counter
 * {@link CounterTypes#RECEIVER_MALFORMED}), told to {@link MirrorListener#onMalformed}, never applied.
 *
 * <p>If the Aeron subscription closes, the client fails (a driver timeout), or handling a message throws (a
 * listener's callback, a {@code configure} when a mirrored bus is built), {@code doWork} throws once, every
 * mirrored bus is closed (its consumers get {@code StateBusClosedException} after what it had) and
 * {@link MirrorListener#onFailed} is told; it then does nothing. The receiver does not own the subscription or the
 * client: close them after it.
 *
 * <p>The parts: {@link BusDispatcher} (each message to its mirrored bus, or refused) and {@link ReceiverCounters}
 * (the counts made visible, and when).
 */
public final class MirrorReceiver implements Agent, AutoCloseable
{
    private final Subscription subscription;
    private final Aeron aeron;
    private final MirrorListener listener;
    private final int fragmentLimit;
    private final BusDispatcher dispatcher;
    private final ReceiverCounters counters;
    private final String roleName;
    private volatile boolean failed; // set by the duty cycle, read by any thread
    private volatile boolean closed; // set by close from any thread, read by the duty cycle: it then stops

    /**
     * A receiver with a do-nothing listener, no counters, and a fragment limit of 256 messages per duty cycle.
     *
     * @param subscription the Aeron subscription to poll.
     * @throws IllegalArgumentException if the subscription is closed.
     */
    public MirrorReceiver(final Subscription subscription)
    {
        this(subscription, null, new MirrorListener()
        {
        }, 256);
    }

    /**
     * @param subscription  the Aeron subscription to poll (IPC, UDP unicast or multicast).
     * @param aeron         the client that allocates the counters (see {@link CounterTypes}), or null for none.
     * @param listener      told of starts, restarts, refused messages and failure.
     * @param fragmentLimit the most messages per duty cycle, at least 1.
     * @throws IllegalArgumentException if the subscription is closed, or {@code fragmentLimit} is less than 1.
     */
    public MirrorReceiver(final Subscription subscription, final Aeron aeron, final MirrorListener listener,
        final int fragmentLimit)
    {
        this.subscription = Objects.requireNonNull(subscription, "subscription must not be null");
        if (subscription.isClosed())
        {
            throw new IllegalArgumentException("the subscription " + subscription.channel() + " stream " +
                subscription.streamId() + " is closed: a receiver needs an open one");
        }
        this.listener = Objects.requireNonNull(listener, "listener must not be null");
        if (fragmentLimit < 1)
        {
            throw new IllegalArgumentException("fragmentLimit must be >= 1, got " + fragmentLimit);
        }
        this.fragmentLimit = fragmentLimit;
        this.dispatcher = new BusDispatcher(listener);
        this.aeron = aeron;
        this.roleName = "statebus-mirror-" + subscription.streamId();
        this.counters = new ReceiverCounters(aeron, subscription, dispatcher);
    }

    /**
     * Registers the mirror of bus {@code busId}; its local bus is built when the source's first message arrives.
     * May be called while the receiver runs.
     *
     * @param busId     the bus id the source's bridge sends.
     * @param states    the same table as the source's.
     * @param configure sets up the local bus's builder (capacity, wait strategy, await policy, ...); it receives a
     *                  builder whose initial state is the source's state, and must return a builder. Its producer
     *                  idle strategy is replaced: the receiver never waits inside an append, it leaves the message
     *                  in the stream for the next duty cycle. Tried here too, on a builder then dropped.
     * @param <S>       the state type.
     * @return the mirrored bus.
     * @throws IllegalArgumentException if {@code configure} sets what the builder refuses (nothing is registered).
     * @throws IllegalStateException    if bus {@code busId} is already mirrored here (by a mirror of any kind,
     *                                  closed or not: a mirror keeps its bus id until the receiver closes), or the
     *                                  receiver is closed or failed.
     */
    public synchronized <S> MirroredBus<S> mirror(
        final int busId, final StateTable<S> states, final UnaryOperator<StateBusBuilder<S>> configure)
    {
        checkFree(busId);
        Objects.requireNonNull(states, "states must not be null");
        ConfigureCheck.tried(configure, states.builder(states.stateOf(0)));
        final MirroredBus<S> mirrored = new MirroredBus<>(busId, states, configure, listener, dispatcher);
        return register(mirrored);
    }

    /**
     * Registers the mirror of long bus {@code busId} (see {@link #mirror}); its local bus is built when the
     * source's first message arrives.
     *
     * @param busId     the bus id the source's bridge sends.
     * @param configure sets up the local bus's builder (capacity, wait strategy, ...); it receives a builder whose
     *                  initial value is the source's, and must return a builder; tried here too.
     * @return the mirrored bus.
     * @throws IllegalArgumentException as {@link #mirror} does.
     * @throws IllegalStateException    as {@link #mirror} does.
     */
    public synchronized MirroredLongBus mirrorLong(final int busId, final UnaryOperator<LongStateBusBuilder> configure)
    {
        checkFree(busId);
        final MirroredLongBus mirrored =
            new MirroredLongBus(busId, ConfigureCheck.tried(configure, StateBus.longBuilder(0)), listener, dispatcher);
        return register(mirrored);
    }

    /**
     * Registers the mirror of keyed bus {@code busId} (see {@link #mirror}); its local bus is built from the first
     * whole snapshot run of the source's open keys.
     *
     * @param busId     the bus id the source's bridge sends.
     * @param states    the same table as the source's.
     * @param configure sets up the local bus's builder: {@code maxKeys} at least the source's, and the source's final
     *                  states ({@code retireOn}); capacity, wait strategy, ...; it must return a builder; tried
     *                  here too.
     * @param <S>       the state type.
     * @return the mirrored bus.
     * @throws IllegalArgumentException as {@link #mirror} does.
     * @throws IllegalStateException    as {@link #mirror} does.
     */
    public synchronized <S> MirroredKeyedBus<S> mirrorKeyed(
        final int busId, final StateTable<S> states, final UnaryOperator<KeyedStateBusBuilder<S>> configure)
    {
        checkFree(busId);
        Objects.requireNonNull(states, "states must not be null");
        final MirroredKeyedBus<S> mirrored = new MirroredKeyedBus<>(busId, states,
            ConfigureCheck.tried(configure, states.keyedBuilder()), listener, dispatcher);
        return register(mirrored);
    }

    private <M extends MirroredEndpoint<?, ?>> M register(final M mirrored)
    {
        if (aeron != null)
        {
            mirrored.counters(aeron, "stream=" + subscription.streamId());
        }
        dispatcher.add(mirrored);
        return mirrored;
    }

    private void checkFree(final int busId)
    {
        if (closed || failed)
        {
            throw new IllegalStateException("mirror receiver of stream " + subscription.streamId() + " is " +
                (closed ? "closed" : "failed") + ": bus " + busId + " cannot be mirrored by it");
        }
        if (dispatcher.has(busId))
        {
            throw new IllegalStateException("bus " + busId + " is already mirrored by this receiver (a mirror keeps " +
                "its bus id after it is closed, until the receiver closes)");
        }
    }

    /**
     * One duty cycle: polls at most {@code fragmentLimit} messages into the mirrored buses, and refreshes the counters
     * at most every millisecond.
     *
     * @return the messages consumed (a message held back by a {@code BLOCK} subscription does not count).
     * @throws IllegalStateException once, if the Aeron subscription closed (or its client failed); the receiver has
     *                               then failed, its mirrored buses are closed, and it does nothing more.
     * @throws RuntimeException      once, what handling a message threw (a listener's callback, a {@code configure});
     *                               the receiver has then failed, as above.
     */
    @Override
    public int doWork()
    {
        if (failed || closed)
        {
            return 0;
        }
        try
        {
            final int work = subscription.controlledPoll(dispatcher, fragmentLimit);
            dispatcher.rethrowFailure(); // a message's handling threw (a listener, a bus's configure): fail with it
            dispatcher.publishProgress(); // lost and latest once per poll, not per message
            if (subscription.isClosed())
            {
                throw new IllegalStateException("mirror receiver: the Aeron subscription " + subscription.channel() +
                    " stream " + subscription.streamId() + " is closed");
            }
            counters.afterPoll(work);
            return work;
        }
        catch (final RuntimeException ex)
        {
            fail(ex);
            throw ex;
        }
    }

    private void fail(final Throwable cause)
    {
        failed = true;
        dispatcher.publishProgress(); // what the messages before the failure did
        counters.onFailed(); // and the counters, a last time
        for (final MirrorEndpoint mirrored : dispatcher.mirrors())
        {
            mirrored.closeBus();
        }
        listener.onFailed(cause);
    }

    /**
     * @return messages polled (refused ones included), refreshed by the duty cycle at most every millisecond.
     */
    public long received()
    {
        return counters.received();
    }

    /**
     * @return messages refused: malformed, foreign, unknown bus, other state count, other state names, bad state id,
     *     broken chain, stale session.
     */
    public long malformed()
    {
        return dispatcher.malformed();
    }

    /**
     * @return true once the receiver failed (see {@link MirrorListener#onFailed}).
     */
    public boolean isFailed()
    {
        return failed;
    }

    /**
     * @return the Aeron subscription this receiver polls.
     */
    public Subscription subscription()
    {
        return subscription;
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    @Override
    public void onClose()
    {
        close();
    }

    /**
     * Closes every mirrored bus and the counters; idempotent. Call it after the duty cycle stopped (or from it). Does
     * not close the Aeron subscription.
     */
    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            CloseHelper.closeAll(dispatcher.mirrors());
            counters.close();
        }
    }
}
