package io.statebus;

/**
 * Told by the producer after each publish, on the producer's thread and outside a multi-producer bus's lock (and
 * once by close, which then stands in for any later telling): how awaits and executor subscriptions learn of new
 * transitions without a thread of their own. Must be short and must not block.
 *
 * <p>The one window: the producer reads the listener array after its cursor store with no fence between (a fence
 * per publish would double the cost of {@code set}), so a publish racing a registration can read the array from
 * before it while its cursor store is not yet visible to the new listener's first check. Such a store becomes
 * visible within far less than {@link #REGISTRATION_RECHECK_NANOS}, so every listener polls once more at least
 * that long after it registered, unless it can tell that no publish hid in the window (see
 * {@code ExecutorDelivery.registered}); after that, every publish sees it and the Dekker fence does the rest.
 */
interface PublishListener
{
    /** How long after registering a listener checks for work once more, whatever it was told. */
    long REGISTRATION_RECHECK_NANOS = 50_000;

    void onPublish();
}
