package io.statebus.consume;

import io.statebus.StateBusClosedException;
import io.statebus.TransitionHandler;
import io.statebus.publish.Producer;
import io.statebus.publish.PublishListener;
import io.statebus.publish.RegistrationWindow;
import io.statebus.read.ConsumedBy;
import io.statebus.read.Reader;
import org.agrona.ErrorHandler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Delivers a subscription's transitions on a user's {@link Executor}: in order, never two callbacks at once, and
 * with no queue of its own (the ring is the queue, so it is bounded by it). This class is the scheduling state
 * machine; its one {@link DrainTask} is the task loop that calls the handler.
 *
 * <p>At most one drain task is in flight: the producer schedules one only when the state goes IDLE to SCHEDULED;
 * the task drains a batch, and either re-submits itself (to be fair to the executor's other work) or goes back to
 * IDLE and re-checks for work published meanwhile.
 *
 * <p>With a demand (a {@code Flow.Subscription}'s outstanding {@code request(n)}), a task delivers at most that
 * many, and "work" means "something to deliver and demand for it, or an ending to report": with no demand the
 * delivery stays IDLE and consumes nothing, so a {@code BLOCK} subscription holds the producer back once the ring
 * is full. Whoever raises the demand calls {@link #wake()}: the same Dekker as with the producer (raise, fence,
 * read the state here; write IDLE, fence, read the demand in the drain) leaves no demand unserved.
 */
public final class ExecutorDelivery<S> implements PublishListener
{
    /** Transitions per task run before giving the executor's thread back. */
    static final int BATCH = 256;

    private static final int IDLE = 0;
    private static final int SCHEDULED = 1;
    private static final VarHandle STATE;
    private static final VarHandle ENDED;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(ExecutorDelivery.class, "state", int.class);
            ENDED = lookup.findVarHandle(ExecutorDelivery.class, "ended", boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Producer<S> producer;
    private final Reader<S> subscription;
    private final Executor executor;
    private final Consumer<Throwable> onEnd;
    /** The most the handler may receive now, or null for no limit; only the handler lowers it (one per call). */
    private final LongSupplier demand;
    /** The one task, submitted again for each run: it is never in flight twice. */
    private final DrainTask<S> task;
    @SuppressWarnings("unused")
    private volatile int state = IDLE;
    /** Whether a producer (or close) has notified this delivery since it registered (see {@link #start}). */
    private volatile boolean notified;
    /** Whether such a notification proves no publish hid in the registration window: single-producer buses. */
    private final boolean notifiedCoversWindow;
    /**
     * Set, by compare-and-set, by the one call that ends the delivery (its last task ran, or the executor refused
     * one): nothing more to schedule, and the ending (detach, onStop, onEnd) happens once.
     */
    private volatile boolean ended;

    /**
     * @param producer     the bus's producer, which tells this delivery of each publish.
     * @param subscription the reader to deliver from.
     * @param handler      receives the transitions; with a {@code demand}, it lowers it by one for each.
     * @param executor     runs the delivery tasks.
     * @param onEnd        told how the delivery ended (a throwing handler, the bus closing, a rejecting
     *                     executor), or null.
     * @param demand       how many transitions the handler may receive now ({@code Long.MAX_VALUE}: no limit), or
     *                     null for no limit; call {@link #wake()} after raising it.
     * @param errors       told if the handler's {@code onStop} throws (the builder's error handler), or null for
     *                     the default ({@code System.Logger}).
     */
    public ExecutorDelivery(
        final Producer<S> producer,
        final Reader<S> subscription,
        final TransitionHandler<S> handler,
        final Executor executor,
        final Consumer<Throwable> onEnd,
        final LongSupplier demand,
        final ErrorHandler errors)
    {
        this.demand = demand;
        this.onEnd = onEnd;
        this.producer = producer;
        this.subscription = subscription;
        this.executor = executor;
        this.notifiedCoversWindow = producer.hasOneProducer();
        this.task = new DrainTask<>(
            this, subscription, handler, demand, errors != null ? errors : LoggedErrors.INSTANCE);
    }

    /**
     * Registers this delivery with the producer, drains anything published between the join and the registration
     * now, and checks once more after the {@link RegistrationWindow}, from the JDK's shared delay thread onto this
     * delivery's executor.
     *
     * <p>The second check is skipped where no publish can hide in the window, so that a same-thread executor's
     * handler runs on the delay thread only when a publish really raced the registration: on a single-producer
     * bus, if the registering thread is its producer (its own publishes are in program order with the
     * registration), or if a publish has notified this delivery since (the one producer notified it after a full
     * fence, so every earlier publish of its own is visible to the drain that started). With many producers a
     * notification proves nothing about another producer's publish, so the check always runs.
     *
     * @param by who this delivery is, for {@code poll}'s refusal.
     */
    public void start(final ConsumedBy by)
    {
        subscription.consumedBy(by, this, null);
        schedule();
        if (notifiedCoversWindow && producer.isOnlyProducer(Thread.currentThread()))
        {
            return;
        }
        CompletableFuture.delayedExecutor(RegistrationWindow.NANOS, TimeUnit.NANOSECONDS, executor)
            .execute(() ->
            {
                if (!(notifiedCoversWindow && notified) && hasWork())
                {
                    schedule();
                }
            });
    }

    /**
     * Before {@link #start}: {@code check} runs on the delivery's thread after each batch it delivers.
     *
     * @param check what to run (it must not throw).
     */
    void afterEachBatch(final Runnable check)
    {
        task.afterEachBatch(check);
    }

    /** Producer thread, after its publish and a full fence. */
    @Override
    public void onPublish()
    {
        if (!notified)
        {
            notified = true; // written once: later notifications only read it
        }
        if (ended)
        {
            return;
        }
        if (demand == null || demand.getAsLong() > 0 || !subscription.isOpen())
        {
            schedule(); // with no demand a publish is no work (a close still is): no task per publish
        }
    }

    /** The demand was raised (or the subscription ended): deliver, unless a task is already in flight. */
    public void wake()
    {
        schedule();
    }

    /** Anything to do: a transition to deliver with demand for it, or an ending to report. */
    private boolean hasWork()
    {
        if (demand == null || demand.getAsLong() > 0)
        {
            return subscription.hasWorkOrClosed();
        }
        // no demand: only an ending (closed, failed, or the bus closed with nothing left to deliver) is work
        return subscription.isEnded() || (subscription.isDraining() && subscription.lag() == 0);
    }

    private void schedule()
    {
        if (state == IDLE && STATE.compareAndSet(this, IDLE, SCHEDULED))
        {
            submit();
        }
    }

    /** Hands the task to the executor; the state is SCHEDULED (a new task, or the running one's next batch). */
    void submit()
    {
        try
        {
            executor.execute(task);
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
        // before the fail below, whose release wakes this delivery once more; the state stays SCHEDULED, as after
        // the last task, so no later wake-up (a demand, the registration recheck) submits the ended task again
        if (!ENDED.compareAndSet(this, false, true))
        {
            return; // a same-thread executor's execute throws the Error with which its task already ended it
        }
        RuntimeException reported = cause;
        if (subscription.isOpen())
        {
            subscription.fail(cause); // a subscription already ended by its bus's close keeps that ending
        }
        else
        {
            // the bus (or the subscription) closed first: that is the ending, the refused final drain its detail
            reported = new StateBusClosedException("closed; the executor refused the final delivery: " + cause, cause);
        }
        finish(reported);
    }

    /** The task's ending: a throwing handler failed the subscription; closed means drained: either way, stop. */
    void taskEnded(final Throwable ex)
    {
        if (ENDED.compareAndSet(this, false, true))
        {
            finish(ex); // an await's future ends with it, not at its timeout
        }
    }

    private void finish(final Throwable reported)
    {
        producer.removeListener(this);
        task.stopHandler();
        if (onEnd != null)
        {
            onEnd.accept(reported);
        }
    }

    /**
     * The task drained what there was: back to IDLE, then schedules itself again if work came meanwhile.
     *
     * @return whether the calling task goes on with the next batch (the state is SCHEDULED again).
     */
    boolean idleUnlessWork()
    {
        state = IDLE;
        // Dekker with the producer: it publishes, fences, then reads state; we write state, fence, then
        // read the cursor, so one of us sees the other and no transition is left undelivered.
        VarHandle.fullFence();
        return hasWork() && STATE.compareAndSet(this, IDLE, SCHEDULED);
    }
}
