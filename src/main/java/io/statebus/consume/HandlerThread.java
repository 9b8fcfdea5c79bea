package io.statebus.consume;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.TimeoutException;
import io.statebus.TransitionHandler;
import io.statebus.read.ConsumedBy;
import io.statebus.read.Reader;
import org.agrona.ErrorHandler;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A dedicated thread that waits on a reader's Disruptor barrier with the bus's wait strategy and delivers every
 * transition, telling the handler where each batch ends. It ends when the reader or the bus closes (after
 * delivering what was published before), or when the handler throws, which fails the reader.
 *
 * @param <S> the state type
 */
public final class HandlerThread<S>
{
    private final Reader<S> reader;
    private final TransitionHandler<S> handler;
    private final HandlerThreadWaitStrategy waits;
    private final ErrorHandler errors;

    private HandlerThread(
        final Reader<S> reader,
        final TransitionHandler<S> handler,
        final HandlerThreadWaitStrategy waits,
        final ErrorHandler errors)
    {
        this.reader = reader;
        this.handler = handler;
        this.waits = waits;
        this.errors = errors;
    }

    /**
     * Starts a thread from {@code factory} that consumes {@code reader}.
     *
     * @param reader  the reader, which nothing else consumes.
     * @param handler receives the transitions.
     * @param factory makes the thread.
     * @param waits   the bus's wait strategy, which from now on signals while this thread runs.
     * @param errors  told of the handler's failure, which ends the subscription.
     * @param <S>     the state type.
     * @throws IllegalStateException if the factory returned no thread; whatever the factory or
     *                               {@code Thread.start} threw passes through.
     */
    public static <S> void start(
        final Reader<S> reader,
        final TransitionHandler<S> handler,
        final ThreadFactory factory,
        final HandlerThreadWaitStrategy waits,
        final ErrorHandler errors)
    {
        final HandlerThread<S> task = new HandlerThread<>(reader, handler, waits, errors);
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
                    task.run(firstWaitNotBefore);
                }
            });
            if (thread == null)
            {
                throw new IllegalStateException("the handler thread factory returned no thread");
            }
            reader.consumedBy(ConsumedBy.HANDLER_THREAD, null, thread);
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

    private void run(final long firstWaitNotBefore)
    {
        try
        {
            HandlerThreadWaitStrategy.firstWaitNotBefore(firstWaitNotBefore);
            handler.onStart(reader.joinState(), reader.joinSequence());
            deliverUntilEnded();
        }
        catch (final RuntimeException | Error ex)
        {
            reader.fail(ex); // onStart threw: the subscription fails as if onTransition had
        }
        finally
        {
            waits.handlerThreadEnded();
            stopped();
        }
    }

    private void deliverUntilEnded()
    {
        while (true)
        {
            final long next = reader.position() + 1;
            final long available;
            try
            {
                available = reader.barrier().waitFor(next);
            }
            catch (final AlertException ex)
            {
                if (reader.isDraining())
                {
                    drainAfterBusClosed();
                }
                return;
            }
            catch (final TimeoutException ex)
            {
                continue;
            }
            catch (final InterruptedException ex)
            {
                reader.close();
                return;
            }
            if (!delivered(next, available) || reader.isEnded())
            {
                return; // the handler threw, or it ended (a draining reader goes on: its next wait drains)
            }
        }
    }

    /**
     * Delivers {@code next..available}, if the wait found any.
     *
     * @return false if the handler threw: the reader recorded it and stopped gating, so the thread ends.
     */
    private boolean delivered(final long next, final long available)
    {
        if (available >= next)
        {
            try
            {
                reader.deliver(handler, next, available, Integer.MAX_VALUE);
            }
            catch (final Throwable ex)
            {
                return false;
            }
        }
        return true;
    }

    /** The thread's last act: the handler's onStop, and its failure (if it failed) to the error handler. */
    private void stopped()
    {
        try
        {
            handler.onStop();
        }
        catch (final RuntimeException | Error ex)
        {
            LoggedErrors.report(errors, ex);
        }
        final Throwable failure = reader.failure();
        if (failure != null)
        {
            LoggedErrors.report(errors, failure);
        }
    }

    private void drainAfterBusClosed()
    {
        try
        {
            while (reader.isDraining())
            {
                final long next = reader.position() + 1;
                final long available = reader.available(); // upstream stages, if any, drain first
                if (available >= next)
                {
                    reader.deliver(handler, next, available, Integer.MAX_VALUE);
                }
                else if (available >= reader.ring().cursor())
                {
                    return; // all delivered
                }
                else
                {
                    Thread.onSpinWait(); // an upstream stage is still draining: it has that much left, no more
                }
            }
        }
        catch (final Throwable ignore)
        {
            // the reader recorded it
        }
    }
}
