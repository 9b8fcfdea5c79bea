package io.statebus.flow;

import io.statebus.Transition;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A subscriber that records every signal and checks the rules it can see: never more {@code onNext} than it
 * requested, never two signals at once, nothing after a terminal signal, onSubscribe first. Waits are bounded.
 */
class RecordingSubscriber<S> implements Flow.Subscriber<Transition<S>>
{
    private final AtomicInteger inside = new AtomicInteger();
    private final List<Transition<S>> items = new ArrayList<>();
    volatile Flow.Subscription subscription;
    /** Total requested, raised before each request (so an onNext can never legitimately exceed it). */
    private long requested;
    private long received;
    private int completes;
    private int errors;
    private Throwable error;
    /** Rule violations seen: more onNext than requested, overlapping signals, signals after the end or before onSubscribe. */
    private final List<String> violations = new ArrayList<>();

    @Override
    public void onSubscribe(final Flow.Subscription s)
    {
        enter("onSubscribe");
        synchronized (this)
        {
            if (subscription != null)
            {
                violations.add("onSubscribe twice");
            }
            subscription = s;
        }
        subscribed(s);
        leave();
    }

    /** Called inside onSubscribe: request here, if the test wants to. */
    void subscribed(final Flow.Subscription s)
    {
    }

    @Override
    public void onNext(final Transition<S> item)
    {
        enter("onNext");
        synchronized (this)
        {
            if (ended())
            {
                violations.add("onNext after the end: " + item);
            }
            if (++received > requested)
            {
                violations.add("onNext beyond demand: #" + received + " of " + requested + " requested: " + item);
            }
            items.add(item);
            notifyAll();
        }
        next(item);
        leave();
    }

    /** Called inside onNext after it was recorded. */
    void next(final Transition<S> item)
    {
    }

    @Override
    public void onError(final Throwable throwable)
    {
        enter("onError");
        synchronized (this)
        {
            if (ended())
            {
                violations.add("onError after the end: " + throwable);
            }
            errors++;
            error = throwable;
            notifyAll();
        }
        leave();
    }

    @Override
    public void onComplete()
    {
        enter("onComplete");
        synchronized (this)
        {
            if (ended())
            {
                violations.add("onComplete after the end");
            }
            completes++;
            notifyAll();
        }
        leave();
    }

    private void enter(final String signal)
    {
        if (inside.incrementAndGet() != 1)
        {
            synchronized (this)
            {
                violations.add(signal + " overlapped another signal");
            }
        }
        if (subscription == null && !signal.equals("onSubscribe"))
        {
            synchronized (this)
            {
                violations.add(signal + " before onSubscribe");
            }
        }
    }

    private void leave()
    {
        inside.decrementAndGet();
    }

    private boolean ended()
    {
        return completes + errors > 0;
    }

    /** Requests {@code n}, counting it first. */
    void request(final long n)
    {
        synchronized (this)
        {
            requested = n > 0 && requested + n < 0 ? Long.MAX_VALUE : requested + Math.max(n, 0);
        }
        subscription.request(n);
    }

    synchronized List<Transition<S>> items()
    {
        return new ArrayList<>(items);
    }

    synchronized long received()
    {
        return received;
    }

    synchronized int completes()
    {
        return completes;
    }

    synchronized int errors()
    {
        return errors;
    }

    synchronized Throwable error()
    {
        return error;
    }

    synchronized List<String> violations()
    {
        return new ArrayList<>(violations);
    }

    /** Waits until at least {@code count} items arrived. */
    synchronized void awaitItems(final long count) throws InterruptedException, TimeoutException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (received < count)
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                throw new TimeoutException("received " + received + " of " + count + "; " + this);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Waits for onComplete or onError. */
    synchronized void awaitEnd() throws InterruptedException, TimeoutException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!ended())
        {
            final long left = deadline - System.nanoTime();
            if (left <= 0)
            {
                throw new TimeoutException("no terminal signal; " + this);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public synchronized String toString()
    {
        return "RecordingSubscriber{requested=" + requested + ", received=" + received + ", completes=" + completes +
            ", errors=" + errors + ", error=" + error + ", violations=" + violations + '}';
    }
}
