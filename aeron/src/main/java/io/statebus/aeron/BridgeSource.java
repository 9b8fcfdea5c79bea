package io.statebus.aeron;

import io.statebus.BusStatus;

import io.statebus.Policy;
import io.statebus.Subscription;

/**
 * What a bridge takes transitions from: one kind of bus (states, long, keyed) through a subscription of its own,
 * each transition handed to {@link BridgeStaging#take} as ids and two longs. One implementation per kind of bus, each
 * the subscription's handler; the duty-cycle thread polls it, nothing is allocated per transition.
 */
interface BridgeSource
{
    /** Builds a bridge's source: subscribes to the bus with the bridge's policy. */
    interface Factory
    {
        /**
         * @param policy the bridge's subscription policy.
         * @return the source, subscribed.
         */
        BridgeSource subscribe(Policy policy);
    }

    /**
     * @return the kind of bus on the wire: {@link WireFormat#STATES}, {@link WireFormat#LONGS} or
     *     {@link WireFormat#KEYED}.
     */
    int kind();

    /**
     * Polls at most {@code limit} transitions into {@code staging}.
     *
     * @return the count polled.
     * @throws io.statebus.StateBusClosedException once the bus (or the subscription) is closed.
     */
    int poll(BridgeStaging staging, int limit);

    /** @return the subscription, for its counters and to close it. */
    Subscription<?> subscription();

    /** @return the state id at the join point (a bus of states' or a keyed bus's placeholder; 0 for a long bus). */
    int joinStateId();

    /** @return the value at the join point (a long bus), else 0. */
    long joinValue();

    /** @return the source bus: whether it is closed, its latest sequence, its producer waits. */
    BusStatus bus();

    /**
     * @param subscription a subscription to expose as counters.
     * @return whether it may belong to this source's bus (checked where the bus can tell).
     */
    boolean mayOwn(Subscription<?> subscription);
}
