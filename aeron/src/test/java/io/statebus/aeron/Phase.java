package io.statebus.aeron;

/** A session's states for the tests. */
enum Phase
{
    PRE_OPEN, OPEN, HALTED, CLOSED;

    private static final Phase[] VALUES = values(); // values() copies its array: once, not per call

    /** A state other than {@code this}, cycling. */
    Phase next()
    {
        return VALUES[(ordinal() + 1) % VALUES.length];
    }
}
