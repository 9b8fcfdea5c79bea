package io.statebus;

/** The connection lifecycle used across the tests (public for the {@code proof} tests). */
public enum Connection
{
    DISCONNECTED, CONNECTING, CONNECTED, CLOSING, CLOSED
}
