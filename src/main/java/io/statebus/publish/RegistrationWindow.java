package io.statebus.publish;

/**
 * The one timing assumption of the bus, in one place.
 *
 * <p>To keep a fence off every publish, the producer reads "is anyone listening?" (the listener array, the
 * handler-thread count, the fast-path gate) with no fence after its cursor store. A publish that races the
 * registration of a new listener can therefore read the state from before the registration while its cursor store
 * is not yet visible to the new listener's first look at the ring, and tell nobody. A store becomes visible to
 * other cores within far less than {@link #NANOS} on every machine the JVM runs on (store buffers drain in
 * nanoseconds), so each new listener, handler thread or replaying subscription looks at the ring once more at least
 * that long after it registered; from then on every publish sees it, and the Dekker fences do the rest. A
 * replaying {@code BLOCK} join on a single-producer bus whose owner does not answer within the window relies on the
 * same assumption ({@code OwnerGate#awaitProducersSeeGate}).
 *
 * <p>The window bounds a store's visibility only, never how long a thread may pause: every publish reads "is anyone
 * listening?" again after its cursor store (the full path reads the listeners there; the owner's fast path, which
 * decided on the gate before, reads the gate again: {@code OwnerGate#toldIfShut}), so an owner descheduled inside a
 * publish for longer than the window still tells a listener that registered meanwhile.
 */
public final class RegistrationWindow
{
    /** How long after registering a listener checks the ring once more, whatever it was told. */
    public static final long NANOS = 50_000;

    private RegistrationWindow()
    {
    }

    /**
     * @return the earliest {@code System.nanoTime()} at which a listener registered now may trust its tellings.
     */
    public static long closesAt()
    {
        return System.nanoTime() + NANOS;
    }
}
