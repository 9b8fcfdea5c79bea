package io.statebus.aeron;

/** A session's states for the tests. */
enum Phase
{
    PRE_OPEN, OPEN, HALTED, CLOSED;

    /** A state other than {@code this}, cycling. */
    Phase next()
    {
        return values()[(ordinal() + 1) % values().length];
    }
}
