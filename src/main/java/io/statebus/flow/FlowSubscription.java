package io.statebus.flow;

import io.statebus.Gap;
import io.statebus.StateBusClosedException;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import io.statebus.consume.ExecutorDelivery;
import io.statebus.publish.Producer;
import io.statebus.read.ConsumedBy;
import io.statebus.read.Reader;
import org.agrona.ErrorHandler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Predicate;

/**
 * One subscriber's subscription: a bus reader delivered by an {@link ExecutorDelivery} that never hands over more
 * than the outstanding demand. Every signal after {@code onSubscribe} comes from the delivery (one task in flight,
 * so they never overlap), or from the subscribing thread before the delivery starts; {@code request} and
 * {@code cancel} only change words and wake the delivery, so they never call the subscriber themselves (no
 * recursion, rule 3.3).
 *
 * <p>Who writes what: the {@link Demand} is raised by {@code request} (any thread) and lowered by one per
 * {@code onNext} by the delivery; {@code pendingError} is set once (CAS) by a bad request or a gap;
 * {@code subscriber} is cleared when the stream ends or is cancelled, so the bus keeps no reference to it
 * (rule 3.13).
 */
final class FlowSubscription<S> implements Flow.Subscription, TransitionHandler<S>
{
    private static final VarHandle PENDING;

    static
    {
        try
        {
            PENDING = MethodHandles.lookup().findVarHandle(FlowSubscription.class, "pendingError", Throwable.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Reader<S> reader;
    private final ExecutorDelivery<S> delivery;
    private final Predicate<? super S> terminal;
    private final ErrorHandler errorHandler;
    private final Demand demand = new Demand();
    private volatile Flow.Subscriber<? super Transition<S>> subscriber;
    private volatile Throwable pendingError;
    /** Set once onSubscribe returned and the delivery may run: a request before it only adds demand. */
    private volatile boolean started;
    private volatile boolean cancelled;
    /** Delivery thread only: set around each call into the subscriber, so its failure is told from ours. */
    private boolean subscriberThrew;

    FlowSubscription(
        final Producer<S> producer,
        final Reader<S> reader,
        final Flow.Subscriber<? super Transition<S>> subscriber,
        final Executor executor,
        final Predicate<? super S> terminal,
        final ErrorHandler errorHandler)
    {
        this.reader = reader;
        this.subscriber = subscriber;
        this.terminal = terminal;
        this.errorHandler = errorHandler;
        this.delivery = new ExecutorDelivery<>(producer, reader, this, executor, this::ended, demand, null);
    }

    /** On the subscribing thread: onSubscribe, then the delivery (or the ending, if the stream is over already). */
    void start()
    {
        final Flow.Subscriber<? super Transition<S>> s = subscriber;
        try
        {
            s.onSubscribe(this);
        }
        catch (final Throwable ex)
        {
            cancel(); // rule 2.13: a subscriber that throws is not called again
            SubscriberSignals.report(errorHandler, ex);
            return;
        }
        if (cancelled)
        {
            return;
        }
        final Throwable early = pendingError; // a bad request inside onSubscribe
        if (early != null)
        {
            subscriber = null;
            SubscriberSignals.error(s, early, errorHandler);
            return;
        }
        if (terminal == null || !endedAtJoin(s))
        {
            started = true;
            delivery.start(ConsumedBy.EXECUTOR);
        }
    }

    /** Whether the join state is terminal (or the predicate threw): then the stream ends before any delivery. */
    private boolean endedAtJoin(final Flow.Subscriber<? super Transition<S>> s)
    {
        final boolean over;
        try
        {
            over = terminal.test(reader.joinState());
        }
        catch (final RuntimeException | Error ex)
        {
            // an Error too, as the delivery ends on one: else it escapes subscribe (rule 1.9) and the reader stays open
            subscriber = null;
            reader.close();
            SubscriberSignals.error(s, ex, errorHandler);
            return true;
        }
        if (over)
        {
            subscriber = null;
            reader.close();
            SubscriberSignals.complete(s, errorHandler);
        }
        return over;
    }

    @Override
    public void request(final long n)
    {
        if (n <= 0)
        {
            fail(new IllegalArgumentException("non-positive subscription request: request(" + n + "); " +
                "Reactive Streams rule 3.9 asks for n > 0"));
            return;
        }
        if (subscriber == null)
        {
            return; // cancelled or ended: a no-op (rule 3.6)
        }
        if (demand.raise(n) && started)
        {
            delivery.wake();
        }
    }

    @Override
    public void cancel()
    {
        cancelled = true;
        subscriber = null; // rule 3.13: drop the reference at once
        reader.close();    // a BLOCK reader stops holding the producer back at once
    }

    /** Ends the stream with {@code error}, signalled by the delivery (never on this thread: rule 1.3). */
    private void fail(final Throwable error)
    {
        if (subscriber == null)
        {
            return;
        }
        if (PENDING.compareAndSet(this, null, error))
        {
            reader.close();
            if (started)
            {
                delivery.wake();
            }
        }
    }

    // ---- the delivery's side: one call at a time, on the executor ----

    @Override
    public void onTransition(final Transition<S> transition, final boolean endOfBatch)
    {
        final Flow.Subscriber<? super Transition<S>> s = subscriber;
        if (s == null)
        {
            return; // cancelled meanwhile: the reader is closed and stops after this one
        }
        demand.takeOne();
        final Transition<S> item = transition.copy(); // the subscriber may keep it: the view is reused
        subscriberThrew = true;
        s.onNext(item);
        subscriberThrew = false;
        if (terminal != null && !cancelled && terminal.test(item.to())) // cancelled in onNext: nothing more to say
        {
            subscriber = null;
            reader.close(); // nothing after the terminal transition
            SubscriberSignals.complete(s, errorHandler);
        }
    }

    @Override
    public void onGap(final Gap<S> gap)
    {
        // lapped, or lost upstream of a mirror: report exactly what was missed and end; the one after is not delivered
        if (PENDING.compareAndSet(this, null, new TransitionsMissedException(gap.firstMissed(), gap.lastMissed())))
        {
            reader.close();
        }
    }

    /**
     * How the delivery ended: the reader's exception once it is closed, drained or failed, or the executor's
     * refusal. Called by the delivery's task, or by the thread whose submit was refused (no task in flight then).
     */
    private void ended(final Throwable cause)
    {
        if (subscriberThrew)
        {
            subscriberThrew = false;
            subscriber = null;
            // rule 2.13: the subscriber broke the contract; not called again
            SubscriberSignals.report(errorHandler, cause);
            return;
        }
        final Flow.Subscriber<? super Transition<S>> s = subscriber;
        if (cancelled || s == null)
        {
            return; // cancelled, or completed at a terminal state: nothing more to say
        }
        subscriber = null;
        final Throwable pending = pendingError;
        if (pending != null)
        {
            SubscriberSignals.error(s, pending, errorHandler);
        }
        else if (cause instanceof StateBusClosedException && cause.getCause() == null)
        {
            // the bus closed and everything published before it was delivered
            SubscriberSignals.complete(s, errorHandler);
        }
        else
        {
            // the executor refused, the predicate threw, or the bus failed the final drain
            SubscriberSignals.error(s, cause, errorHandler);
        }
    }
}
