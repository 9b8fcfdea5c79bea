package io.statebus;

/**
 * Told by the producer after each publish (and once on close), on the producer's thread: how awaits and executor
 * subscriptions learn of new transitions without a thread of their own. Must be short and must not block.
 */
interface PublishListener
{
    void onPublish();
}
