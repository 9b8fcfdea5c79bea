package io.statebus.consume;

import io.statebus.LappedException;
import io.statebus.read.Reader;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * An await's future: any completion closes the await's reader first, so the future's dependents (which run inside
 * the completion, possibly on the delivery thread) never find the finished await still gating the producer.
 *
 * @param <T> the result type
 */
final class ClosingFuture<T> extends CompletableFuture<T>
{
    private final Reader<?> reader;
    /** Decides when its timeout may end it: once what came before the deadline was checked. */
    private final AwaitDeadline deadline;
    /** Set before this future closes its reader: the delivery's "closed" that follows is not news. */
    private volatile boolean ending;

    ClosingFuture(final Reader<?> reader)
    {
        this.reader = reader;
        this.deadline = new AwaitDeadline(reader);
    }

    /** @return the deadline that holds back its timeout until the delivery has checked up to it. */
    AwaitDeadline deadline()
    {
        return deadline;
    }

    /** The delivery's thread, after each batch: the timeout that fired earlier, now that it may end this future. */
    void timeOutIfDue()
    {
        if (!isDone() && deadline.dueAfterBatch())
        {
            completeExceptionally(new TimeoutException());
        }
    }

    @Override
    public boolean complete(final T value)
    {
        end();
        return super.complete(value);
    }

    @Override
    public boolean completeExceptionally(final Throwable ex)
    {
        if (ex instanceof TimeoutException && !deadline.passed())
        {
            return false; // transitions published before the deadline are still to be checked: the delivery ends it
        }
        end();
        return super.completeExceptionally(lappedIfMissed(ex));
    }

    /**
     * A timeout of an await that has missed transitions is a lap: a GAP poll lapped many times returns before its
     * notice is due, and what went by unseen may have matched. Read once, at the timeout.
     */
    private Throwable lappedIfMissed(final Throwable ex)
    {
        if (ex instanceof TimeoutException)
        {
            final long missed = reader.missed();
            if (missed > 0)
            {
                return new LappedException(missed);
            }
        }
        return ex;
    }

    @Override
    public boolean cancel(final boolean mayInterruptIfRunning)
    {
        end();
        return super.cancel(mayInterruptIfRunning);
    }

    /** How the delivery ends this future (a throwing predicate, the bus closing, a rejecting executor). */
    void deliveryEnded(final Throwable cause)
    {
        // volatile read after the delivery saw the reader closed: a close by end() is visible here
        if (!ending)
        {
            completeExceptionally(cause);
        }
    }

    private void end()
    {
        ending = true; // before the close, which the delivery thread may see and report
        reader.close();
    }
}
