package io.statebus.consume;

import io.statebus.Gap;
import io.statebus.LappedException;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import io.statebus.publish.Producer;
import io.statebus.read.ConsumedBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * An await as a future: its private reader is delivered on an executor, and the first match completes the future.
 */
public final class AsyncAwait
{
    private AsyncAwait()
    {
    }

    /**
     * Starts the await; if the predicate or the executor throws here, the await's reader is closed and the
     * exception passes through.
     *
     * @param producer  the bus's producer, which tells the delivery of each publish.
     * @param joined    the joined await.
     * @param predicate tested on the join state and each later {@code to}.
     * @param timeout   how long at most.
     * @param unit      the unit of {@code timeout}.
     * @param executor  runs the checks and completes the future.
     * @param <S>       the state type.
     * @return the future of the first match.
     */
    public static <S> CompletableFuture<Transition<S>> start(
        final Producer<S> producer,
        final AwaitJoin<S> joined,
        final Predicate<? super S> predicate,
        final long timeout,
        final TimeUnit unit,
        final Executor executor)
    {
        return begin(producer, joined, () -> predicate.test(joined.registeredState()), joined.joinTransition,
            new AwaitMatcher<>(predicate), timeout, unit, executor);
    }

    /**
     * A keyed bus's await (see {@link BlockingAwait#awaitKey}), as a future.
     *
     * @param producer   the bus's producer.
     * @param joined     the joined await, at a sequence where {@code key} was in {@code registered}.
     * @param registered the key's state at the join, tested first.
     * @param latest     the key's latest transition at the join, the answer if {@code registered} matches.
     * @param predicate  tested on {@code registered} and each later {@code to} of {@code key}.
     * @param key        the entity's key.
     * @param timeout    how long at most.
     * @param unit       the unit of {@code timeout}.
     * @param executor   runs the checks and completes the future.
     * @param <S>        the state type.
     * @return the future of the first match.
     */
    public static <S> CompletableFuture<Transition<S>> startKey(
        final Producer<S> producer,
        final AwaitJoin<S> joined,
        final S registered,
        final Transition<S> latest,
        final Predicate<? super S> predicate,
        final long key,
        final long timeout,
        final TimeUnit unit,
        final Executor executor)
    {
        return begin(producer, joined, () -> predicate.test(registered), latest, new AwaitMatcher<>(predicate, key),
            timeout, unit, executor);
    }

    private static <S> CompletableFuture<Transition<S>> begin(
        final Producer<S> producer,
        final AwaitJoin<S> joined,
        final BooleanSupplier matchesNow,
        final Transition<S> now,
        final AwaitMatcher<S> matcher,
        final long timeout,
        final TimeUnit unit,
        final Executor executor)
    {
        final ClosingFuture<Transition<S>> future = new ClosingFuture<>(joined.reader);
        try
        {
            if (matchesNow.getAsBoolean())
            {
                future.complete(now); // closes the reader (ClosingFuture)
                return future;
            }
            final TransitionHandler<S> completer = new TransitionHandler<>()
            {
                @Override
                public void onTransition(final Transition<S> transition, final boolean endOfBatch)
                {
                    matcher.onTransition(transition, endOfBatch);
                    if (matcher.match != null)
                    {
                        future.complete(matcher.match);
                    }
                }

                @Override
                public void onGap(final Gap<S> gap)
                {
                    matcher.onGap(gap);
                    future.completeExceptionally(new LappedException(matcher.missed));
                }
            };
            final ExecutorDelivery<S> delivery =
                new ExecutorDelivery<>(producer, joined.reader, completer, executor, future::deliveryEnded, null, null);
            future.deadline().deliveredBy(delivery);
            delivery.afterEachBatch(future::timeOutIfDue);
            // its TimeoutException waits for the delivery to check what came before it, then closes the reader
            future.orTimeout(timeout, unit);
            delivery.start(ConsumedBy.AWAIT);
            return future;
        }
        catch (final RuntimeException | Error ex)
        {
            joined.reader.close(); // a predicate or executor that threw must not leave a gate behind
            throw ex;
        }
    }
}
