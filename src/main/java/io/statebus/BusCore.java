package io.statebus;

import io.statebus.consume.ExecutorDelivery;
import io.statebus.consume.HandlerThread;
import io.statebus.consume.HandlerThreadWaitStrategy;
import io.statebus.consume.LoggedErrors;
import io.statebus.publish.Producer;
import io.statebus.read.ConsumedBy;
import io.statebus.read.Reader;
import io.statebus.read.Subscriptions;
import org.agrona.ErrorHandler;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/**
 * What every front-end ({@link StateBus}, {@link LongStateBus}, {@link KeyedStateBus}) does the same way with the
 * engine: start a handler thread or an executor delivery on a joined reader, and close. One per bus.
 *
 * @param <S> the engine's state type (a value bus's is {@code Long}).
 */
final class BusCore<S>
{
    private final Producer<S> producer;
    private final Subscriptions<S> subscriptions;
    private final HandlerThreadWaitStrategy handlerThreadWaits;
    private final ThreadFactory handlerThreadFactory;
    private final ErrorHandler errors;

    BusCore(
        final Producer<S> producer,
        final Subscriptions<S> subscriptions,
        final HandlerThreadWaitStrategy handlerThreadWaits,
        final ThreadFactory handlerThreadFactory,
        final ErrorHandler errors)
    {
        this.producer = producer;
        this.subscriptions = subscriptions;
        this.handlerThreadWaits = handlerThreadWaits;
        this.handlerThreadFactory = handlerThreadFactory;
        this.errors = errors;
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

    /** Delivers a joined reader on an executor; when the delivery ends, a failure goes to the error handler. */
    Reader<S> onExecutor(final Reader<S> reader, final TransitionHandler<S> handler, final Executor executor)
    {
        new ExecutorDelivery<>(producer, reader, handler, executor, ended ->
        {
            final Throwable failure = reader.failure();
            if (failure != null)
            {
                LoggedErrors.report(errors, failure);
            }
        }).start(ConsumedBy.EXECUTOR);
        return reader;
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
}
