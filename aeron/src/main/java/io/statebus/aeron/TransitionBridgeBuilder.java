package io.statebus.aeron;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import io.statebus.Policy;
import org.agrona.BitUtil;

import java.time.Duration;
import java.util.Objects;

/**
 * Builds a {@link TransitionBridge}. Defaults: bus id 0, {@link Policy#BLOCK}, batches of 256, a snapshot every
 * 100 ms, stalls reported after 1 s, no counters, a listener that does nothing.
 *
 * @param <S> the state type.
 */
public final class TransitionBridgeBuilder<S>
{
    /** The largest {@link #batchLimit}: 65,536 transitions, a staging area of 1.5 MiB (a long or keyed bus's: 2). */
    public static final int MAX_BATCH_LIMIT = 1 << 16;

    final BridgeSource.Factory source;
    final StateTable<S> states; // null for a long bus
    final int kind; // WireFormat.STATES, LONGS or KEYED: the length of the bridge's messages
    final Publication publication;
    int busId;
    Policy policy = Policy.BLOCK;
    int batchLimit = 256;
    Duration snapshotInterval = Duration.ofMillis(100);
    Duration stallThreshold = Duration.ofSeconds(1);
    Aeron aeron;
    BridgeListener listener = new BridgeListener()
    {
    };

    TransitionBridgeBuilder(final BridgeSource.Factory source, final StateTable<S> states, final int kind,
        final Publication publication)
    {
        this.source = source;
        this.states = states;
        this.kind = kind;
        this.publication = Objects.requireNonNull(publication, "publication must not be null");
    }

    /**
     * @param busId the id that tells this bus's messages apart from other buses' on the same stream: one per bus on
     *              a publication ({@link #build()} refuses one that an open bridge of this process sends on it).
     * @return this builder.
     */
    public TransitionBridgeBuilder<S> busId(final int busId)
    {
        this.busId = busId;
        return this;
    }

    /**
     * @param policy {@link Policy#BLOCK}: nothing lost while connected, the source waits for Aeron;
     *               {@link Policy#GAP} or {@link Policy#CONFLATE}: the source never waits, mirrors get gap notices.
     * @return this builder.
     */
    public TransitionBridgeBuilder<S> policy(final Policy policy)
    {
        this.policy = Objects.requireNonNull(policy, "policy must not be null");
        return this;
    }

    /**
     * @param batchLimit the most transitions taken from the bus per duty cycle (the staging area's size, allocated
     *                   by {@link #build()}: 24 bytes a transition, 32 for a long or keyed bus), from 1 to
     *                   {@link #MAX_BATCH_LIMIT}.
     * @return this builder.
     * @throws IllegalArgumentException if it is out of that range.
     */
    public TransitionBridgeBuilder<S> batchLimit(final int batchLimit)
    {
        if (batchLimit < 1 || batchLimit > MAX_BATCH_LIMIT)
        {
            throw new IllegalArgumentException("batchLimit must be from 1 to " + MAX_BATCH_LIMIT + ", got " +
                batchLimit);
        }
        this.batchLimit = batchLimit;
        return this;
    }

    /**
     * How often the bridge sends a snapshot (besides one at once when a mirror connects), so that a mirror that joins
     * late or lost messages finds the source's sequence and state. A bus of states or a long bus sends one message; a
     * keyed bus sends a run of every open key (16 bytes a key, in pages of up to 83 keys on a 1408-byte MTU), during
     * which the bridge takes no transition from its bus; so after a run the next periodic one also waits nine times
     * as long as that run took (runs take at most a tenth of the bridge's time, however many keys or however slow the
     * link). With hundreds of thousands of keys, a longer interval keeps the runs a smaller share of the link as well.
     *
     * @param interval how often a snapshot is sent; positive (one of 292 years or more, as long as "never").
     * @return this builder.
     * @throws IllegalArgumentException if it is zero or negative.
     */
    public TransitionBridgeBuilder<S> snapshotInterval(final Duration interval)
    {
        Objects.requireNonNull(interval, "snapshotInterval must not be null");
        if (interval.isNegative() || interval.isZero())
        {
            throw new IllegalArgumentException("snapshotInterval must be positive, got " + interval);
        }
        this.snapshotInterval = interval;
        return this;
    }

    /**
     * @param threshold how long back-pressure lasts before it counts as a stall and is reported; not negative (one of
     *                  292 years or more, as long as "never").
     * @return this builder.
     * @throws IllegalArgumentException if it is negative.
     */
    public TransitionBridgeBuilder<S> stallThreshold(final Duration threshold)
    {
        Objects.requireNonNull(threshold, "stallThreshold must not be null");
        if (threshold.isNegative())
        {
            throw new IllegalArgumentException("stallThreshold must not be negative, got " + threshold);
        }
        this.stallThreshold = threshold;
        return this;
    }

    /** @return {@code duration} in nanoseconds, {@code Long.MAX_VALUE} for one too long to count in a long. */
    static long nanos(final Duration duration)
    {
        return duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : duration.toNanos();
    }

    /**
     * Publishes the source bus's and the bridge's counters as Aeron counters (see {@link CounterTypes}).
     *
     * @param aeron the client that allocates the counters (usually the publication's).
     * @return this builder.
     */
    public TransitionBridgeBuilder<S> counters(final Aeron aeron)
    {
        this.aeron = Objects.requireNonNull(aeron, "aeron must not be null");
        return this;
    }

    /**
     * @param listener told of drops, stalls and failure, on the duty-cycle thread.
     * @return this builder.
     */
    public TransitionBridgeBuilder<S> listener(final BridgeListener listener)
    {
        this.listener = Objects.requireNonNull(listener, "listener must not be null");
        return this;
    }

    /**
     * Subscribes to the bus (the join point is the first snapshot) and allocates everything.
     *
     * @return the bridge; run its {@link TransitionBridge#doWork()}.
     * @throws IllegalArgumentException if the publication is closed, or its messages cannot hold one of the bridge's
     *                                  (48 bytes for a bus of states, 64 for a long bus, 56 for a keyed bus: a channel
     *                                  needs an {@code mtu} of 96 or more), or another bridge of this process, not
     *                                  closed yet, sends the same bus id on the same publication (every mirror would
     *                                  take the two for one source restarting at each message); nothing is
     *                                  subscribed then.
     */
    public TransitionBridge<S> build()
    {
        checkPublication();
        return new TransitionBridge<>(this);
    }

    /** A publication the bridge could never send a message to is refused here, not by the first duty cycle. */
    private void checkPublication()
    {
        final String which = "the publication " + publication.channel() + " stream " + publication.streamId();
        if (publication.isClosed())
        {
            throw new IllegalArgumentException(which + " is closed: a bridge needs an open one");
        }
        final int needed = WireFormat.lengthOf(kind);
        if (publication.maxPayloadLength() < needed)
        {
            throw new IllegalArgumentException(which + " takes messages of at most " + publication.maxPayloadLength() +
                " bytes, less than this bridge's " + needed + "-byte messages: give its channel an mtu of at least " +
                BitUtil.align(needed + DataHeaderFlyweight.HEADER_LENGTH, FrameDescriptor.FRAME_ALIGNMENT));
        }
    }
}
