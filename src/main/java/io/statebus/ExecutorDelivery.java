package io.statebus;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Delivers a subscription's transitions on a user's {@link Executor}: in order, never two callbacks at once, and
 * with no queue of its own (the ring is the queue, so it is bounded by it).
 *
 * <p>At most one drain task is in flight: the producer schedules one only when the state goes IDLE to SCHEDULED;
 * the task drains a batch, and either re-submits itself (to be fair to the executor's other work) or goes back to
 * IDLE and re-checks for work published meanwhile.
 */
final class ExecutorDelivery<S> implements PublishListener, Runnable
{
    /** Transitions per task run before giving the executor's thread back. */
    static final int BATCH = 256;

    private static final int IDLE = 0;
    private static final int SCHEDULED = 1;
    private static final VarHandle STATE;

    static
    {
        try
        {
            STATE = MethodHandles.lookup().findVarHandle(ExecutorDelivery.class, "state", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final StateBus<S> bus;
    private final Subscription<S> subscription;
    private final TransitionHandler<S> handler;
    private final Executor executor;
    private final Consumer<RuntimeException> onEnd;
    @SuppressWarnings("unused")
    private volatile int state = IDLE;

    ExecutorDelivery(
        final StateBus<S> bus,
        final Subscription<S> subscription,
        final TransitionHandler<S> handler,
        final Executor executor,
        final Consumer<RuntimeException> onEnd)
    {
        this.onEnd = onEnd;
        this.bus = bus;
        this.subscription = subscription;
        this.handler = handler;
        this.executor = executor;
    }

    /**
     * Call right after the bus registered this delivery as a listener: drains anything published between the join
     * and the registration now, and checks once more after the registration window (see {@link PublishListener}),
     * from the JDK's shared delay thread onto this delivery's executor.
     */
    void registered()
    {
        onPublish();
        CompletableFuture.delayedExecutor(REGISTRATION_RECHECK_NANOS, TimeUnit.NANOSECONDS, executor)
            .execute(this::onPublish);
    }

    /** Producer thread, after its publish and a full fence. */
    @Override
    public void onPublish()
    {
        if (state == IDLE && STATE.compareAndSet(this, IDLE, SCHEDULED))
        {
            submit();
        }
    }

    private void submit()
    {
        try
        {
            executor.execute(this);
        }
        catch (final RuntimeException ex)
        {
            // rejected, or the executor failed in its own way: this runs on a producer's thread (or in close()),
            // so the failure ends this subscription (and ungates the producer) instead of reaching the caller
            end(ex);
        }
        catch (final Error ex)
        {
            end(new IllegalStateException("executor failed", ex)); // kept as the subscription's failure
        }
    }

    private void end(final RuntimeException cause)
    {
        state = IDLE;
        if (!subscription.isClosed())
        {
            subscription.fail(cause); // a subscription already ended by its bus's close keeps that ending
        }
        bus.removeListener(this);
        if (onEnd != null)
        {
            onEnd.accept(cause);
        }
    }

    @Override
    public void run()
    {
        while (true)
        {
            final int delivered;
            try
            {
                delivered = subscription.pollAvailable(handler, BATCH);
            }
            catch (final RuntimeException ex)
            {
                // a throwing handler failed the subscription; closed means drained: either way, stop
                bus.removeListener(this);
                if (onEnd != null)
                {
                    onEnd.accept(ex);
                }
                return;
            }
            catch (final Error ex)
            {
                bus.removeListener(this);
                throw ex;
            }
            if (delivered == BATCH)
            {
                submit(); // still SCHEDULED: the next task continues, in order, never alongside this one
                return;
            }
            state = IDLE;
            // Dekker with the producer: it publishes, fences, then reads state; we write state, fence, then
            // read the cursor, so one of us sees the other and no transition is left undelivered.
            VarHandle.fullFence();
            if (!subscription.hasWorkOrClosed() || !STATE.compareAndSet(this, IDLE, SCHEDULED))
            {
                return;
            }
        }
    }
}
