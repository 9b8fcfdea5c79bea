package io.statebus;

/**
 * The bus's transition table does not allow {@code from -> to}. Nothing was changed or published.
 */
public final class ForbiddenTransitionException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    private final transient Object from;
    private final transient Object to;

    ForbiddenTransitionException(final Object from, final Object to)
    {
        super("transition " + from + " -> " + to + " is not allowed by this bus's transition table");
        this.from = from;
        this.to = to;
    }

    /**
     * @return the state the bus was in, and still is.
     */
    public Object from()
    {
        return from;
    }

    /**
     * @return the state that was refused.
     */
    public Object to()
    {
        return to;
    }
}
