package io.statebus.aeron;

/**
 * Transitions a bridge dropped because its publication was not connected: each is counted at once, and the range is
 * told to {@link BridgeListener#onDroppedNotConnected} once, when the bridge next reaches a mirror (a transition or a
 * snapshot sent). Written by the duty-cycle thread; the count is read by any.
 */
final class DroppedRange
{
    private final BridgeListener listener;
    private long first = -1;
    private long last = -1;
    private volatile long dropped; // single writer (the duty cycle): volatile for visibility, not atomicity

    DroppedRange(final BridgeListener listener)
    {
        this.listener = listener;
    }

    void drop(final long sequence)
    {
        if (first < 0)
        {
            first = sequence;
        }
        last = sequence;
        dropped++;
    }

    /** A message reached the publication: tell the range dropped before it, if any. */
    void reportIfAny()
    {
        if (first >= 0)
        {
            final long from = first;
            first = -1;
            listener.onDroppedNotConnected(from, last);
        }
    }

    long dropped()
    {
        return dropped;
    }
}
