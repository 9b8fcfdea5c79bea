package io.statebus;

/**
 * The bus, or the subscription in use, is closed: publishing, subscribing, waiting and polling past the last
 * published transition all end with this exception.
 */
public final class StateBusClosedException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was closed and what was attempted.
     */
    public StateBusClosedException(final String message)
    {
        super(message);
    }

    /**
     * @param message what was closed and what was attempted.
     * @param cause   why it closed, if it failed.
     */
    public StateBusClosedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
