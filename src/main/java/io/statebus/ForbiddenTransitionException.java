package io.statebus;

/**
 * The bus's transition table does not allow {@code from -> to}. Nothing was changed or published.
 */
public final class ForbiddenTransitionException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    /** Transient: a state need not be Serializable; writeObject keeps the ones that are (every enum). */
    private transient Object from;
    private transient Object to;

    /**
     * @param from the state before.
     * @param to   the state the caller asked for.
     */
    public ForbiddenTransitionException(final Object from, final Object to)
    {
        super("transition " + from + " -> " + to + " is not allowed by this bus's transition table");
        this.from = from;
        this.to = to;
    }

    /**
     * Writes the default fields, then each state if it is {@link java.io.Serializable}, otherwise null.
     *
     * @param out the stream.
     * @throws java.io.IOException if the stream fails.
     * @serialData the default fields, then {@code from} and {@code to}, each null if not serializable.
     */
    private void writeObject(final java.io.ObjectOutputStream out) throws java.io.IOException
    {
        out.defaultWriteObject();
        out.writeObject(from instanceof java.io.Serializable ? from : null);
        out.writeObject(to instanceof java.io.Serializable ? to : null);
    }

    /**
     * Reads what {@link #writeObject} wrote.
     *
     * @param in the stream.
     * @throws java.io.IOException    if the stream fails.
     * @throws ClassNotFoundException if a state's class is not on this side's class path.
     */
    private void readObject(final java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException
    {
        in.defaultReadObject();
        from = in.readObject();
        to = in.readObject();
    }

    /**
     * @return the state the bus was in, and still is (after deserialization: null unless the state is
     *     {@link java.io.Serializable}).
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
