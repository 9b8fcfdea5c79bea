package io.statebus;

/** The connection lifecycle used across the tests. */
enum Connection
{
    DISCONNECTED, CONNECTING, CONNECTED, CLOSING, CLOSED
}
