package io.statebus.consume;

import org.agrona.ErrorHandler;

/**
 * The default error handler: a subscription's failure (its handler threw, or its executor refused a task), logged at
 * ERROR through {@link System.Logger} "io.statebus".
 */
public final class LoggedErrors implements ErrorHandler
{
    /** The one instance. */
    public static final LoggedErrors INSTANCE = new LoggedErrors();

    private static final System.Logger LOGGER = System.getLogger("io.statebus");

    private LoggedErrors()
    {
    }

    @Override
    public void onError(final Throwable failure)
    {
        LOGGER.log(System.Logger.Level.ERROR, "a StateBus subscription failed: its handler or its executor threw", failure);
    }

    /**
     * Tells {@code errors} of a failure; an error handler that throws is not allowed to end the consuming thread
     * in another way, so what it throws is logged instead.
     *
     * @param errors  where failures go.
     * @param failure what a handler threw.
     */
    public static void report(final ErrorHandler errors, final Throwable failure)
    {
        try
        {
            errors.onError(failure);
        }
        catch (final RuntimeException | Error ex)
        {
            ex.addSuppressed(failure);
            INSTANCE.onError(ex);
        }
    }
}
