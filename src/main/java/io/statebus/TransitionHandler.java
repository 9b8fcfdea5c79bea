package io.statebus;

/**
 * Receives the transitions of one subscription, on that subscription's consuming thread.
 *
 * <pre>{@code
 * subscription.poll((t, endOfBatch) -> {
 *     if (t.to() == Connection.CLOSING) drainPendingRequests();
 * }, 64);
 * }</pre>
 *
 * <p>An exception thrown by a handler never reaches the producer or another subscription: it fails this
 * subscription only (see {@link Subscription#failure()}).
 *
 * <p>A handler may publish on the bus it listens to, with one caution: a {@link Policy#BLOCK} subscription frees
 * its slots only when its batch ends, so a handler that calls {@code set} on a full ring waits for itself, for
 * ever. Publish from a handler with {@code trySet} and a timeout, or from a {@link Policy#GAP} subscription.
 *
 * @param <S> the state type
 */
@FunctionalInterface
public interface TransitionHandler<S>
{
    /**
     * Called once per transition, in sequence order.
     *
     * @param transition a view valid during this call only; {@link Transition#copy()} to keep it.
     * @param endOfBatch true for the last transition of this batch, a good moment to flush: the last one available
     *                   now, or the poll's {@code limit}-th even if more are available (a handler thread's batch
     *                   ends at what is available, an executor task's also after a few hundred). A {@link Policy#GAP}
     *                   subscription lapped right after a transition may end its batch there without it: the lap
     *                   shows only when the next slot is read, and its next batch begins with {@link #onGap}.
     */
    void onTransition(Transition<S> transition, boolean endOfBatch);

    /**
     * Called when transitions were missed ({@link Gap}: a {@link Policy#GAP} subscription lapped, or a mirror's
     * loss), before the first transition after the gap. The
     * subscription's counters record every gap whether or not this is overridden; the default does nothing.
     *
     * @param gap a view valid during this call only.
     */
    default void onGap(final Gap<S> gap)
    {
    }

    /**
     * Called once on the consuming thread before the first transition, by a handler thread, an executor
     * subscription and a {@code SubscriptionAgent} (a poller calls its handler only when it polls, so it knows
     * already): the state and sequence this subscription joined at, which the first transition's {@code from}
     * equals. An exception thrown here fails the subscription as one thrown by {@link #onTransition} does.
     *
     * @param joinState    the state at the join snapshot.
     * @param joinSequence the sequence of the join snapshot.
     */
    default void onStart(final S joinState, final long joinSequence)
    {
    }

    /**
     * Called once on the consuming thread after the last callback, when the handler thread or executor
     * subscription ends (closed, failed, or drained after the bus closed), or the agent is closed.
     */
    default void onStop()
    {
    }
}
