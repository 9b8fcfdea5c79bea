package io.statebus.aeron;

/**
 * Told what a {@link TransitionBridge} could not do, on the bridge's duty-cycle thread. Every method has a default
 * that does nothing: the counters record every incident whether or not it is overridden. A listener must not block.
 */
public interface BridgeListener
{
    /**
     * The publication was not connected (no mirror, or the mirror's image timed out) while transitions came: they
     * were dropped, and a mirror that connects later reports them in a gap notice. Called once per incident, when
     * the bridge next reaches the publication (the snapshot it sends as soon as the publication is connected again,
     * or a transition). A range after which nothing reaches the publication (the bridge is closed, fails, or ends
     * with its source bus first) is not told: {@link TransitionBridge#droppedNotConnected()} and its counter count
     * every dropped transition either way.
     *
     * @param firstDropped the first source sequence dropped.
     * @param lastDropped  the last source sequence dropped.
     */
    default void onDroppedNotConnected(final long firstDropped, final long lastDropped)
    {
    }

    /**
     * The publication has refused the transition at {@code sequence} with back-pressure for longer than the
     * bridge's stall threshold (a slow or stuck mirror). The bridge keeps retrying: with {@code BLOCK} the source's
     * producers wait once the ring is full. Called once per stall.
     *
     * @param sequence     the source sequence waiting to be sent.
     * @param stalledNanos how long it has waited so far.
     */
    default void onStalled(final long sequence, final long stalledNanos)
    {
    }

    /**
     * The bridge failed for good (the publication closed, or the Aeron client failed, for example after a driver
     * timeout; or the source took a state the bridge's {@link StateTable} does not hold): it stopped holding the
     * source back and sends nothing more. The same exception is thrown from {@link TransitionBridge#doWork()} once.
     *
     * @param cause what happened.
     */
    default void onFailed(final Throwable cause)
    {
    }
}
