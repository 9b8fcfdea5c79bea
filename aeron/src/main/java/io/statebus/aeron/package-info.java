/**
 * StateBus across processes and hosts, over Aeron: a {@link io.statebus.aeron.TransitionBridge} sends a bus's
 * transitions to an Aeron publication (IPC or UDP); a {@link io.statebus.aeron.MirrorReceiver} in another process or
 * host feeds {@link io.statebus.aeron.MirroredBus}es, local buses with the source's sequences, chain and timestamps.
 * Wherever a transition is lost on the way, the mirror's consumers get an exact gap notice in source sequences.
 * Counters ({@link io.statebus.aeron.CounterTypes}) are Aeron counters other processes read
 * ({@link io.statebus.aeron.StatebusStat}, Aeron's {@code AeronStat}). The message layout is
 * {@link io.statebus.aeron.WireFormat}.
 *
 * <p>Every JVM that uses this package needs {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} (Agrona's
 * buffers, which Aeron uses); the core library needs no flag.
 */
package io.statebus.aeron;
