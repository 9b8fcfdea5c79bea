package io.statebus;

import io.statebus.consume.AwaitJoin;
import io.statebus.consume.ExecutorDelivery;
import io.statebus.consume.HandlerThread;
import io.statebus.consume.HandlerThreadWaitStrategy;
import io.statebus.consume.LoggedErrors;
import io.statebus.publish.Producer;
import io.statebus.read.ConsumedBy;
import io.statebus.read.Reader;
import io.statebus.read.Subscriptions;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;
import org.agrona.ErrorHandler;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.function.Predicate;

/**
 * What every front-end ({@link StateBus}, {@link LongStateBus}, {@link KeyedStateBus}) does the same way with the
 * engine: join readers, start a handler thread or an executor delivery on them, register awaits, read the counters,
 * close. One per bus. The publish path and {@code get()} stay in the front-ends, one call from the engine.
 *
 * @param <S> the engine's state type (a value bus's is {@code Long}).
 */
final class BusCore<S>
{
    private final TransitionRing ring;
    private final Producer<S> producer;
    private final Subscriptions<S> subscriptions;
    private final HandlerThreadWaitStrategy handlerThreadWaits;
    private final ThreadFactory handlerThreadFactory;
    private final Policy awaitPolicy;
    private final ProducerMode mode;
    private final ErrorHandler errors;

    BusCore(
        final StateIds<S> ids,
        final TransitionRing ring,
        final Producer<S> producer,
        final HandlerThreadWaitStrategy handlerThreadWaits,
        final ThreadFactory handlerThreadFactory,
        final Policy awaitPolicy,
        final ProducerMode mode,
        final ErrorHandler errors)
    {
        this.ring = ring;
        this.producer = producer;
        this.subscriptions = new Subscriptions<>(ring, ids, producer);
        this.handlerThreadWaits = handlerThreadWaits;
        this.handlerThreadFactory = handlerThreadFactory;
        this.awaitPolicy = awaitPolicy;
        this.mode = mode;
        this.errors = errors;
    }

    TransitionRing ring()
    {
        return ring;
    }

    Producer<S> producer()
    {
        return producer;
    }

    Subscriptions<S> subscriptions()
    {
        return subscriptions;
    }

    /** A reader joined at the latest transition. */
    Reader<S> join(final Policy policy)
    {
        return subscriptions.join(policy, -1);
    }

    /**
     * A reader that replays from {@code fromSequence}.
     *
     * @param initial what sequence 0 is, for the error: "state" or "value".
     */
    Reader<S> joinFrom(final Policy policy, final long fromSequence, final String initial)
    {
        if (fromSequence < 1)
        {
            throw new IllegalArgumentException("fromSequence must be >= 1 (sequence 0 is the initial " + initial +
                "), got " + fromSequence);
        }
        return subscriptions.join(policy, fromSequence);
    }

    /** A pipeline stage: a reader joined at the latest transition, behind {@code upstream}. */
    Reader<S> joinAfter(final Policy policy, final List<Reader<S>> upstream)
    {
        return subscriptions.join(policy, -1, upstream);
    }

    /** A reader for an await, with the bus's await policy. */
    Reader<S> joinForAwait()
    {
        return subscriptions.join(awaitPolicy, -1);
    }

    /** Joins, then delivers on a handler thread (see {@link #onHandlerThread(Reader, TransitionHandler)}). */
    Reader<S> onHandlerThread(final Policy policy, final TransitionHandler<S> handler)
    {
        Objects.requireNonNull(handler, "handler must not be null");
        return onHandlerThread(join(policy), handler);
    }

    /**
     * Starts a handler thread on a joined reader; if it cannot start, closes the reader (nothing will consume it,
     * so it must not gate the producer) and passes the error on.
     */
    Reader<S> onHandlerThread(final Reader<S> reader, final TransitionHandler<S> handler)
    {
        try
        {
            HandlerThread.start(reader, Objects.requireNonNull(handler, "handler must not be null"),
                handlerThreadFactory, handlerThreadWaits, errors);
        }
        catch (final RuntimeException | Error ex)
        {
            reader.close();
            throw ex;
        }
        return reader;
    }

    /**
     * Joins, then delivers on an executor; when the delivery ends, a failure goes to the error handler. Checks
     * its arguments before it joins, so a bad one leaves nothing subscribed.
     */
    Reader<S> onExecutor(final Policy policy, final TransitionHandler<S> handler, final Executor executor)
    {
        Objects.requireNonNull(handler, "handler must not be null");
        Objects.requireNonNull(executor, "executor must not be null");
        final Reader<S> reader = join(policy);
        new ExecutorDelivery<>(producer, reader, handler, executor, ended ->
        {
            final Throwable failure = reader.failure();
            if (failure != null)
            {
                LoggedErrors.report(errors, failure);
            }
        }, null, errors).start(ConsumedBy.EXECUTOR);
        return reader;
    }

    /** An await for the first state that matches, the current one included. */
    PendingAwait<S> awaitFor(final Predicate<? super S> predicate)
    {
        return new PendingAwait<>(producer, AwaitJoin.withJoinTransition(subscriptions, awaitPolicy), predicate, false);
    }

    /** An await for the next transition, whatever it is. */
    PendingAwait<S> awaitChange()
    {
        return new PendingAwait<>(producer, AwaitJoin.forNextChange(subscriptions, awaitPolicy), s -> true, true);
    }

    long latestSequence()
    {
        return ring.cursor();
    }

    long producerWaits()
    {
        return producer.backPressure().waits();
    }

    long producerWaitNanos()
    {
        return producer.backPressure().waitNanos();
    }

    int capacity()
    {
        return ring.capacity();
    }

    ProducerMode producerMode()
    {
        return mode;
    }

    int subscriptionCount()
    {
        return subscriptions.count();
    }

    boolean isClosed()
    {
        return producer.isClosed();
    }

    /** The bus's close: publishing ends, then every subscription drains and ends, every await and thread is told. */
    void close()
    {
        final List<Reader<S>> released = subscriptions.close();
        if (released == null)
        {
            return;
        }
        producer.awaitPublishInProgress();
        Subscriptions.busClosed(released);
        producer.tellClosed();
        handlerThreadWaits.signalAllWhenBlocking();
    }

    /**
     * The end of a front-end's {@code toString}, after its state: {@code ", sequence=…, capacity=…, mode=…}", the
     * subscription count if asked for, whether closed, and the closing brace.
     */
    String describe(final boolean withSubscriptions)
    {
        return ", sequence=" + latestSequence() + ", capacity=" + capacity() + ", mode=" + mode +
            (withSubscriptions ? ", subscriptions=" + subscriptionCount() : "") + (isClosed() ? ", closed" : "") + '}';
    }
}
