package io.statebus;

import io.statebus.consume.AsyncAwait;
import io.statebus.consume.AwaitJoin;
import io.statebus.consume.BlockingAwait;
import io.statebus.publish.Producer;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An await that has joined the bus and waits to be waited on: register first, then let another thread publish,
 * with no race. Its answer is relative to the moment it was registered: {@link Awaited.Outcome#ALREADY} if the state
 * matched then, else the first matching transition after it, however short-lived.
 *
 * <pre>{@code
 * PendingAwait<Connection> closed = bus.prepareAwait(Connection.CLOSED);   // joined now
 * worker.submit(connection::close);                                         // publishes CLOSING, CLOSED
 * Awaited<Connection> r = closed.await(Duration.ofSeconds(5));              // never misses CLOSED
 * }</pre>
 *
 * <p>One answer per registration: {@link #await} or {@link #future} once. Until then it holds a subscription of
 * the bus's await policy (a {@link Policy#BLOCK} one holds the producer back if it falls a ring behind), so
 * {@link #close()} one that will not be waited on.
 *
 * @param <S> the state type
 */
public final class PendingAwait<S> implements AutoCloseable
{
    private final Producer<S> producer;
    private final AwaitJoin<S> joined;
    private final Predicate<? super S> predicate;
    private final boolean changeOnly;
    private boolean used; // guarded by this, as closed
    private boolean closed; // closed by its user (not by the bus): never to be waited on

    PendingAwait(
        final Producer<S> producer,
        final AwaitJoin<S> joined,
        final Predicate<? super S> predicate,
        final boolean changeOnly)
    {
        this.producer = producer;
        this.joined = joined;
        this.predicate = predicate;
        this.changeOnly = changeOnly;
    }

    /**
     * Blocks until the first match after the registration (or answers at once if the state matched then).
     *
     * @param timeout how long to wait at most; not negative.
     * @return how it ended, with the matching transition on a match.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes, or another thread closes this await, before a match.
     * @throws IllegalStateException   if this await was already waited on, or closed.
     */
    public Awaited<S> await(final Duration timeout) throws InterruptedException
    {
        return await(Deadlines.of(timeout));
    }

    /**
     * {@link #await(Duration)} with a {@link TimeUnit}.
     *
     * @param timeout how long to wait at most; not negative.
     * @param unit    the unit of {@code timeout}.
     * @return how it ended, with the matching transition on a match.
     * @throws InterruptedException    if interrupted while waiting.
     * @throws StateBusClosedException if the bus closes, or another thread closes this await, before a match.
     * @throws IllegalStateException   if this await was already waited on, or closed.
     */
    public Awaited<S> await(final long timeout, final TimeUnit unit) throws InterruptedException
    {
        return await(Deadlines.of(timeout, unit));
    }

    private Awaited<S> await(final long deadline) throws InterruptedException
    {
        use();
        if (Thread.interrupted())
        {
            joined.close();
            throw new InterruptedException();
        }
        return BlockingAwait.await(joined, predicate, changeOnly, deadline);
    }

    /**
     * The answer as a future, completed on {@code executor}: the matching transition (for a state that already
     * matched at registration, the transition that led to it), or exceptionally with
     * {@link java.util.concurrent.TimeoutException}, {@link StateBusClosedException} or {@link LappedException}. A
     * timeout comes once every transition published before it was checked on {@code executor} without a match (an
     * executor that runs late delays it), so a match published in time, even with a zero timeout, is the answer.
     * Cancelling it, or any completion, closes its subscription at once.
     *
     * @param timeout  how long at most; not negative.
     * @param executor runs the checks and completes the future.
     * @return the future of the first match.
     * @throws IllegalStateException if this await was already waited on or closed, or waits only for a change (use
     *                               {@link #await}).
     */
    public CompletableFuture<Transition<S>> future(final Duration timeout, final Executor executor)
    {
        Objects.requireNonNull(executor, "executor must not be null");
        final long nanos = Deadlines.nanos(timeout);
        if (changeOnly)
        {
            throw new IllegalStateException("an await for the next change answers through await(), not a future");
        }
        use();
        return AsyncAwait.start(producer, joined, predicate, nanos, TimeUnit.NANOSECONDS, executor);
    }

    /**
     * {@link #future(Duration, Executor)} on {@link ForkJoinPool#commonPool()}.
     *
     * @param timeout how long at most; not negative.
     * @return the future of the first match.
     */
    public CompletableFuture<Transition<S>> future(final Duration timeout)
    {
        return future(timeout, ForkJoinPool.commonPool());
    }

    /**
     * Gives the registration up without an answer; idempotent. Its subscription stops gating at once, and a thread
     * waiting on it meanwhile ends at once with {@link StateBusClosedException}; waiting on it afterwards is refused
     * ({@link IllegalStateException}), unless it was waited on already.
     */
    @Override
    public void close()
    {
        synchronized (this)
        {
            closed = true;
        }
        joined.close();
    }

    private synchronized void use()
    {
        if (used)
        {
            throw new IllegalStateException("this await was already waited on: register a new one");
        }
        if (closed)
        {
            throw new IllegalStateException("this await was closed before it was waited on: register a new one");
        }
        used = true;
    }
}
