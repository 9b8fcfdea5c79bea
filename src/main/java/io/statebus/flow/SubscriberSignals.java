package io.statebus.flow;

import io.statebus.Transition;
import org.agrona.ErrorHandler;

import java.util.concurrent.Flow;

/**
 * The ending signals into a {@code Flow.Subscriber} that may throw: what it throws goes to the error handler, never
 * back into the delivery or the caller (rule 2.13).
 */
final class SubscriberSignals
{
    private SubscriberSignals()
    {
    }

    /** A subscriber that cannot join: {@code onSubscribe} with a subscription that does nothing, then the reason. */
    static <S> void refuse(
        final Flow.Subscriber<? super Transition<S>> subscriber, final Throwable reason, final ErrorHandler errors)
    {
        try
        {
            subscriber.onSubscribe(new Flow.Subscription()
            {
                @Override
                public void request(final long n)
                {
                }

                @Override
                public void cancel()
                {
                }
            });
            subscriber.onError(reason);
        }
        catch (final Throwable ex)
        {
            report(errors, ex);
        }
    }

    static void complete(final Flow.Subscriber<?> s, final ErrorHandler errors)
    {
        try
        {
            s.onComplete();
        }
        catch (final Throwable ex)
        {
            report(errors, ex);
        }
    }

    static void error(final Flow.Subscriber<?> s, final Throwable error, final ErrorHandler errors)
    {
        try
        {
            s.onError(error);
        }
        catch (final Throwable ex)
        {
            report(errors, ex);
        }
    }

    static void report(final ErrorHandler errors, final Throwable ex)
    {
        try
        {
            errors.onError(ex);
        }
        catch (final Throwable ignored)
        {
            // an error handler must not throw; if it does, nothing is left to tell
        }
    }
}
