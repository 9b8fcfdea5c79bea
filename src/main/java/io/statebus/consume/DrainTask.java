package io.statebus.consume;

import io.statebus.TransitionHandler;
import io.statebus.read.Reader;
import org.agrona.ErrorHandler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

/**
 * The task loop of an {@link ExecutorDelivery}: its one task, which calls the handler. A run delivers batches of
 * at most {@link ExecutorDelivery#BATCH}; after a full one it re-submits itself (still SCHEDULED: the next run goes
 * on in order, never alongside this one), else it hands the state back to IDLE. Runs never overlap, so the handler
 * gets one call at a time, and {@code onStart} before the first transition, {@code onStop} after the last.
 *
 * <p>A same-thread executor runs the re-submitted task inside {@code submit}: that run only marks
 * {@link #ranInlineOn} and returns, and the loop already on the thread takes the next batch, with no recursion.
 */
final class DrainTask<S> implements Runnable
{
    private static final VarHandle RUNNER;

    static
    {
        try
        {
            RUNNER = MethodHandles.lookup().findVarHandle(DrainTask.class, "runner", Thread.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final ExecutorDelivery<S> delivery;
    private final Reader<S> subscription;
    private final TransitionHandler<S> handler;
    /** The delivery's demand, or null for no limit (see {@link ExecutorDelivery}). */
    private final LongSupplier demand;
    /** Told if the handler's onStop throws. */
    private final ErrorHandler errors;
    /** The thread in the drain loop, while it is there; a task it re-submits that runs on it at once sees it. */
    private volatile Thread runner;
    /**
     * Set by such a task (a same-thread executor) instead of recursing: the loop on that thread goes on. Plain:
     * only the thread in the loop writes and reads it.
     */
    private Thread ranInlineOn;
    /** Whether the handler's onStart ran; read and written only by the task running (tasks never overlap). */
    private boolean started;
    /** Run after each batch, or null; set before the first task (its submission publishes it). */
    private Runnable afterBatch;

    DrainTask(
        final ExecutorDelivery<S> delivery,
        final Reader<S> subscription,
        final TransitionHandler<S> handler,
        final LongSupplier demand,
        final ErrorHandler errors)
    {
        this.errors = errors;
        this.delivery = delivery;
        this.subscription = subscription;
        this.handler = handler;
        this.demand = demand;
    }

    @Override
    public void run()
    {
        final Thread current = Thread.currentThread();
        if (runner == current)
        {
            ranInlineOn = current; // our own re-submit, run at once by a same-thread executor: no recursion
            return;
        }
        runner = current;
        int delivered;
        while ((delivered = deliverBatch()) >= 0 &&
            (delivered == ExecutorDelivery.BATCH ? goesOnAfterResubmit(current) : goesOnAfterIdle(current)))
        {
            // the next batch, on this thread, in order
        }
    }

    /** @return how many transitions the handler got, or -1 once the delivery has ended. */
    private int deliverBatch()
    {
        try
        {
            if (!started)
            {
                started = true;
                startHandler();
            }
            final int delivered = subscription.pollAvailable(handler, limit());
            if (afterBatch != null)
            {
                afterBatch.run();
            }
            return delivered;
        }
        catch (final RuntimeException | Error ex)
        {
            runner = null;
            delivery.taskEnded(ex);
            if (ex instanceof Error)
            {
                throw (Error)ex; // the executor's thread should see an Error
            }
            return -1;
        }
    }

    /** After a full batch: the next task continues; whether it ran here, inside the submit, and left it to us. */
    private boolean goesOnAfterResubmit(final Thread current)
    {
        delivery.submit(); // still SCHEDULED: the next task continues, in order, never alongside this one
        if (ranInlineOn == current)
        {
            ranInlineOn = null; // it ran on this thread inside submit and left the next batch to us
            return true;
        }
        // handed over (or failed): clear our mark unless the next task already replaced it
        RUNNER.compareAndSet(this, current, null);
        return false;
    }

    /** After a short batch: IDLE, unless work came meanwhile and this loop scheduled itself again. */
    private boolean goesOnAfterIdle(final Thread current)
    {
        runner = null; // before IDLE: a task scheduled after it may run on another thread and mark itself
        if (!delivery.idleUnlessWork())
        {
            return false;
        }
        runner = current;
        return true;
    }

    /** @param check run on the delivery's thread after each batch (an await's deadline: {@link AwaitDeadline}). */
    void afterEachBatch(final Runnable check)
    {
        afterBatch = check;
    }

    private int limit()
    {
        return demand == null ? ExecutorDelivery.BATCH : (int)Math.min(ExecutorDelivery.BATCH, demand.getAsLong());
    }

    /** The handler's onStart; if it throws, the subscription fails as if onTransition had thrown. */
    private void startHandler()
    {
        try
        {
            handler.onStart(subscription.joinState(), subscription.joinSequence());
        }
        catch (final RuntimeException | Error ex)
        {
            subscription.fail(ex);
            throw ex;
        }
    }

    /** The handler's onStop, once the delivery has ended; what it throws goes to the error handler. */
    void stopHandler()
    {
        try
        {
            handler.onStop();
        }
        catch (final RuntimeException | Error ex)
        {
            LoggedErrors.report(errors, ex);
        }
    }
}
