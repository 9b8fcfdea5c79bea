/**
 * StateBus: every change of a component's state, to every consumer, through one preallocated LMAX Disruptor ring.
 *
 * <pre>
 * producer - set / compareAndSet / trySet -&gt; StateBus.publish - claim, write state word, write slot, publish cursor
 * ring     -&gt; Subscription (BLOCK: gated read | GAP: read, then check the state word) -&gt;
 *             poll | handler thread | executor | await / future | SubscriptionAgent
 * </pre>
 *
 * <p>The public face is {@link io.statebus.StateBus} and its builder, {@link io.statebus.Subscription},
 * {@link io.statebus.Transition}, {@link io.statebus.Gap}, {@link io.statebus.TransitionHandler},
 * {@link io.statebus.Policy}, {@link io.statebus.ProducerMode}, {@link io.statebus.Awaited} and the exceptions.
 * Everything else in this package is package-private: the slot and its layout ({@code Slot}), the state word
 * ({@code StateWord}), the id table ({@code StateTable}), and the consumers built on a subscription
 * ({@code ExecutorDelivery}, {@code ParkedWaiter}, {@code AwaitMatcher}).
 *
 * <p><b>The lapping check, step by step.</b> The producer of sequence {@code q} (1) claims {@code q} from the
 * Disruptor sequencer, (2) stores the state word {@code (q, from, to)} with release and a store-store fence,
 * (3) writes the slot's packed ids (and the timestamp, with a clock), (4) publishes the cursor with release. A
 * {@code GAP} reader of {@code s} (1) acquires the cursor ({@code >= s}), (2) copies the slot, (3) fences loads,
 * (4) reads the state word's sequence {@code h}. The copy is whole if {@code h - capacity < s}: a value written
 * for a later lap ({@code s + capacity} or beyond) comes with a state word of that lap or later.
 */
package io.statebus;
