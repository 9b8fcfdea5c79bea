package io.statebus.read;

/** Who consumes a reader when it is not its poller: each refuses {@code poll} by name. */
public enum ConsumedBy
{
    /** A dedicated thread waiting with the bus's wait strategy. */
    HANDLER_THREAD("its handler thread"),
    /** Tasks on the user's executor. */
    EXECUTOR("its executor"),
    /** A blocking await or a future. */
    AWAIT("an await");

    private final String description;

    ConsumedBy(final String description)
    {
        this.description = description;
    }

    @Override
    public String toString()
    {
        return description;
    }
}
