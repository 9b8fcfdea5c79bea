/**
 * StateBus: every change of a component's state, to every consumer, through one preallocated LMAX Disruptor ring.
 *
 * <pre>
 * producer - set / compareAndSet / trySet -&gt; publish: claim, write the slot's word (sequence tag, from, to),
 *            publish the cursor
 * ring     -&gt; subscription (BLOCK: gated read | GAP, CONFLATE: read, then check the slot's tag) -&gt;
 *             poll | handler thread | executor | await / future | SubscriptionAgent | TransitionPublisher
 * </pre>
 *
 * <p>This package is the public face: the buses ({@link io.statebus.StateBus}, {@link io.statebus.ValueStateBus},
 * {@link io.statebus.LongStateBus}, {@link io.statebus.KeyedStateBus}) and their builders, their subscriptions,
 * {@link io.statebus.Transition} and its long and keyed forms, {@link io.statebus.Gap}, the handlers,
 * {@link io.statebus.Policy}, {@link io.statebus.ProducerMode}, {@link io.statebus.Awaited},
 * {@link io.statebus.PendingAwait}, the mirrors and the exceptions; what else it holds is package-private. The
 * engine is in packages the module does not export: {@code ring} (the slots, {@code SlotWord}'s layout drawn in its
 * Javadoc), {@code keys}, {@code publish}, {@code read} and {@code consume}.
 *
 * <p><b>The lapping check, step by step.</b> The producer of sequence {@code q} (1) claims {@code q} from the
 * Disruptor sequencer, (2) writes the slot's one {@code long} word, {@code q}'s tag with {@code from} and {@code to}
 * as state ids, with a release store (a value, key or timestamp beside the word after it, behind a store-store
 * fence), (3) publishes the cursor with release. A {@code GAP} reader of {@code s} (1) acquires the cursor
 * ({@code >= s}), (2) loads the slot's word (and, where something is beside it, copies that, fences loads and
 * re-reads the word), (3) keeps the copy only if the word's tag is {@code s}'s: any other tag means the producer
 * lapped it there, which starts an exact gap.
 */
package io.statebus;
