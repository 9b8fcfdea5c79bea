package io.statebus.aeron;

import io.aeron.Aeron;
import io.aeron.Counter;
import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import io.statebus.Gap;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.StateBusClosedException;
import io.statebus.Subscription;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;

/**
 * Sends every transition of a local {@link StateBus} to an Aeron {@link Publication} (IPC or UDP), for
 * {@link MirrorReceiver}s in other processes or hosts.
 *
 * <pre>{@code
 * TransitionBridge<Session> bridge = TransitionBridge.builder(bus, StateTable.forEnum(Session.class), publication)
 *     .busId(1).policy(Policy.BLOCK).counters(aeron).build();
 * AgentRunner.startOnThread(new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null, bridge));
 * }</pre>
 *
 * <p>The bridge is an Agrona {@link Agent}: run it on an {@code AgentRunner}, in a {@code CompositeAgent}, or call
 * {@link #doWork()} from your own duty cycle (for example the producer's, between publishes; with {@code BLOCK}, never
 * publish more than the ring's capacity between two calls from the same thread, or {@code set} waits for itself).
 * Each duty cycle takes at most {@code batchLimit} transitions from its bus subscription into a preallocated staging
 * area, then writes them into the publication with {@code tryClaim}: nothing is allocated per transition.
 *
 * <p>What reaches a mirror, by policy:
 * <ul>
 *   <li>{@link Policy#BLOCK}: while the publication is connected, every transition is sent. Aeron's back-pressure
 *   holds the bridge, which holds the source's producers once the ring is full: nothing is lost. A stall longer than
 *   the threshold is counted and told to {@link BridgeListener#onStalled}; the bridge keeps trying.</li>
 *   <li>{@link Policy#GAP} (or {@code CONFLATE}): the source never waits for the bridge; when it laps the bridge,
 *   the next transition sent carries the later sequence and the mirror reports the exact missed range.</li>
 *   <li>Either way, transitions that arrive while the publication is not connected are dropped, counted, and told
 *   to {@link BridgeListener#onDroppedNotConnected}; the mirror reports them as a gap when it hears from the source
 *   again. The source is never held back by a missing mirror.</li>
 * </ul>
 *
 * <p>Snapshots: a mirror needs the source's current sequence and state to start, and to see what it missed when the
 * source is idle. The bridge sends a {@link WireFormat#SNAPSHOT} of the latest transition it has sent or dropped
 * every {@code snapshotInterval} (default 100 ms) and at once when the publication becomes connected. Pushed, not
 * requested: the mirror needs no publication of its own, it works the same over multicast and for any number of
 * mirrors, and it costs one 48-byte message per interval. A mirror that joins an idle source starts within one
 * interval; one that joins a busy source starts at the first transition it receives.
 *
 * <p>Session: each bridge picks a random 64-bit session id when it is built. A restarted source (a new bridge) has
 * a new one, which mirrors detect (see {@link MirroredBus}).
 *
 * <p>Threads: one thread runs the duty cycle at a time; {@link #close()} and the getters may be called from any.
 * The bridge does not own the publication or the Aeron client: close them after the bridge.
 *
 * @param <S> the state type.
 */
public final class TransitionBridge<S> implements Agent, AutoCloseable
{
    private static final long COUNTER_REFRESH_NANOS = 1_000_000;

    private final StateBus<S> bus;
    private final StateTable<S> states;
    private final Publication publication;
    private final Subscription<S> subscription;
    private final int busId;
    private final long session;
    private final int batchLimit;
    private final long snapshotIntervalNanos;
    private final long stallNanos;
    private final BridgeListener listener;
    private final BufferClaim claim = new BufferClaim();
    private final Stager stager = new Stager();
    private final String roleName;

    // staged transitions: written by poll, read by flush; both on the duty-cycle thread
    private final long[] stagedSequence;
    private final long[] stagedTimestamp;
    private final int[] stagedFrom;
    private final int[] stagedTo;
    private int stagedHead;
    private int stagedCount;

    // the latest transition sent or dropped: what a snapshot carries (duty-cycle thread only)
    private long lastSequence;
    private long lastTimestamp;
    private int lastFrom;
    private int lastTo;
    private short lastFlags;

    private boolean wasConnected;
    private long nextSnapshotAt;
    private long stallStartedAt;
    private boolean stallReported;
    private long firstDropped = -1;
    private long lastDropped = -1;
    private boolean busEnded;
    private volatile boolean failed;
    private volatile boolean closed;

    private long sentCount; // the duty cycle's own count; published to sent once per batch
    // written by the duty-cycle thread only, read by any (a single writer: volatile for visibility, not atomicity)
    private volatile long sent;
    private volatile long droppedNotConnected;
    private volatile long backPressured;
    private volatile long snapshots;
    private volatile long stalls;

    private final BridgeCounters counters;
    private long nextCounterRefreshAt;

    private TransitionBridge(final Builder<S> builder)
    {
        this.bus = builder.bus;
        this.states = builder.states;
        this.publication = builder.publication;
        this.busId = builder.busId;
        this.batchLimit = builder.batchLimit;
        this.snapshotIntervalNanos = builder.snapshotInterval.toNanos();
        this.stallNanos = builder.stallThreshold.toNanos();
        this.listener = builder.listener;
        this.session = newSession();
        this.stagedSequence = new long[batchLimit];
        this.stagedTimestamp = new long[batchLimit];
        this.stagedFrom = new int[batchLimit];
        this.stagedTo = new int[batchLimit];
        this.roleName = "statebus-bridge-" + busId;
        this.subscription = bus.subscribe(builder.policy);
        // the join point: the first snapshot; its from is known only at sequence 0 (from == to == initial)
        this.lastSequence = subscription.joinSequence();
        this.lastFrom = states.idOf(subscription.joinState());
        this.lastTo = lastFrom;
        this.lastFlags = lastSequence == 0 ? 0 : WireFormat.FLAG_FROM_UNKNOWN;
        BridgeCounters made = null;
        try
        {
            made = builder.aeron == null ? null : new BridgeCounters(builder.aeron, busId, session, bus, subscription);
        }
        catch (final RuntimeException ex)
        {
            subscription.close(); // a half-built bridge must not hold the source back
            throw ex;
        }
        this.counters = made;
    }

    private static long newSession()
    {
        long id;
        do
        {
            id = new SecureRandom().nextLong();
        }
        while (id == 0); // 0 reads as "no session" in the mirror's counters
        return id;
    }

    /**
     * Starts a bridge of {@code bus}'s transitions to {@code publication}.
     *
     * @param bus         the source bus.
     * @param states      how states travel; the mirrors use the same table.
     * @param publication where the messages go (exclusive or concurrent; many bridges may share one with distinct
     *                    bus ids).
     * @param <S>         the state type.
     * @return a builder.
     */
    public static <S> Builder<S> builder(final StateBus<S> bus, final StateTable<S> states, final Publication publication)
    {
        return new Builder<>(bus, states, publication);
    }

    /**
     * One duty cycle: a snapshot if one is due, then at most {@code batchLimit} transitions from the bus into the
     * publication (those the publication refuses with back-pressure stay staged for the next cycle).
     *
     * @return the transitions and snapshots sent or dropped: the work done, for an idle strategy.
     * @throws AgentTerminationException once the source bus is closed and every transition it published was sent:
     *                                   an {@code AgentRunner} then stops.
     * @throws IllegalStateException     once, if the publication closed; the bridge has then failed (see
     *                                   {@link BridgeListener#onFailed}) and does nothing more.
     */
    @Override
    public int doWork()
    {
        if (failed || closed)
        {
            return 0;
        }
        try
        {
            final long now = System.nanoTime(); // once per duty cycle: snapshots, stalls, counters
            int work = housekeeping(now); // first: a mirror that just connected gets the snapshot before transitions
            if (stagedCount == 0 && !busEnded)
            {
                work += takeFromBus();
            }
            work += flush(now);
            if (busEnded && stagedCount == 0)
            {
                refreshCounters();
                throw new AgentTerminationException("the source bus is closed and every transition was sent");
            }
            return work;
        }
        catch (final AgentTerminationException ex)
        {
            throw ex;
        }
        catch (final RuntimeException ex)
        {
            fail(ex);
            throw ex;
        }
    }

    private int takeFromBus()
    {
        try
        {
            return subscription.poll(stager, batchLimit);
        }
        catch (final StateBusClosedException ex)
        {
            if (!bus.isClosed())
            {
                throw ex; // the subscription was closed under the bridge: a failure, not the end of the source
            }
            busEnded = true;
            return 0;
        }
    }

    private int flush(final long now)
    {
        int done = 0;
        while (stagedHead < stagedCount)
        {
            final int i = stagedHead;
            final long result = publication.tryClaim(WireFormat.LENGTH, claim);
            if (result > 0)
            {
                WireFormat.write(claim.buffer(), claim.offset(), WireFormat.TRANSITION, (short)0, busId, states.size(),
                    session, stagedSequence[i], stagedTimestamp[i], stagedFrom[i], stagedTo[i]);
                claim.commit();
                sentCount++;
                stallStartedAt = 0;
                reportDropsIfAny();
            }
            else if (result == Publication.NOT_CONNECTED)
            {
                if (firstDropped < 0)
                {
                    firstDropped = stagedSequence[i];
                }
                lastDropped = stagedSequence[i];
                droppedNotConnected++;
                wasConnected = false;
            }
            else if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
            {
                backPressured++;
                noteStall(now, stagedSequence[i]);
                break;
            }
            else
            {
                throw new IllegalStateException("bridge of bus " + busId + ": the publication " +
                    (result == Publication.CLOSED ? "is closed (by the application, or its Aeron client failed, " +
                    "for example after a driver timeout)" : "reached its maximum position") +
                    " (Aeron result " + result + "); transition " + stagedSequence[i] + " and later are not sent");
            }
            lastSequence = stagedSequence[i];
            lastTimestamp = stagedTimestamp[i];
            lastFrom = stagedFrom[i];
            lastTo = stagedTo[i];
            lastFlags = 0;
            stagedHead++;
            done++;
        }
        if (stagedHead == stagedCount)
        {
            stagedHead = 0;
            stagedCount = 0;
        }
        if (done > 0)
        {
            sent = sentCount; // one volatile store per batch, not per transition
        }
        return done;
    }

    private void noteStall(final long now, final long sequence)
    {
        if (stallStartedAt == 0)
        {
            stallStartedAt = now;
            stallReported = false;
        }
        else if (!stallReported && now - stallStartedAt >= stallNanos)
        {
            stallReported = true;
            stalls++;
            listener.onStalled(sequence, now - stallStartedAt);
        }
    }

    private void reportDropsIfAny()
    {
        if (firstDropped >= 0)
        {
            final long first = firstDropped;
            firstDropped = -1;
            listener.onDroppedNotConnected(first, lastDropped);
        }
    }

    private int housekeeping(final long now)
    {
        int work = 0;
        final boolean connected = publication.isConnected();
        if (connected && (!wasConnected || now - nextSnapshotAt >= 0))
        {
            // a mirror just connected, or the interval passed: tell it where the source is
            final long result = publication.tryClaim(WireFormat.LENGTH, claim);
            if (result > 0)
            {
                WireFormat.write(claim.buffer(), claim.offset(), WireFormat.SNAPSHOT, lastFlags, busId, states.size(),
                    session, lastSequence, lastTimestamp, lastFrom, lastTo);
                claim.commit();
                snapshots++;
                nextSnapshotAt = now + snapshotIntervalNanos;
                wasConnected = true;
                reportDropsIfAny();
                work++;
            }
        }
        else if (!connected)
        {
            wasConnected = false;
        }
        if (now - nextCounterRefreshAt >= 0)
        {
            nextCounterRefreshAt = now + COUNTER_REFRESH_NANOS;
            refreshCounters();
        }
        return work;
    }

    private void refreshCounters()
    {
        if (counters != null)
        {
            counters.refresh(sent, droppedNotConnected, backPressured, snapshots, stalls);
        }
    }

    private void fail(final Throwable cause)
    {
        failed = true;
        subscription.close(); // stop holding the source back at once
        listener.onFailed(cause);
    }

    /**
     * Exposes another subscription of the source bus as Aeron counters (delivered, missed, gaps, lag), refreshed by
     * this bridge's duty cycle until the bridge closes. Needs {@link Builder#counters}.
     *
     * @param name         a name for the counters' labels.
     * @param subscription a subscription of the bridged bus.
     */
    public void exposeCounters(final String name, final Subscription<S> subscription)
    {
        Objects.requireNonNull(name, "name must not be null");
        if (subscription.bus() != bus)
        {
            throw new IllegalArgumentException("the subscription belongs to another bus");
        }
        if (counters == null)
        {
            throw new IllegalStateException("this bridge has no counters: build it with counters(aeron)");
        }
        counters.expose(name, subscription);
    }

    /**
     * Closes the bridge's subscription (it stops holding the source back) and its counters; sends nothing more.
     * Idempotent; from any thread. Does not close the publication.
     */
    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            subscription.close();
            CloseHelper.close(counters);
        }
    }

    @Override
    public void onClose()
    {
        close();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    /**
     * @return the random session id of this bridge, which every message carries.
     */
    public long session()
    {
        return session;
    }

    /**
     * @return the bus id every message carries.
     */
    public int busId()
    {
        return busId;
    }

    /**
     * @return the bridge's subscription of the source bus (its counters: delivered, missed, gaps, lag).
     */
    public Subscription<S> subscription()
    {
        return subscription;
    }

    /**
     * @return transitions handed to the publication.
     */
    public long sent()
    {
        return sent;
    }

    /**
     * @return transitions dropped because the publication was not connected.
     */
    public long droppedNotConnected()
    {
        return droppedNotConnected;
    }

    /**
     * @return offers refused with back-pressure (each retried).
     */
    public long backPressured()
    {
        return backPressured;
    }

    /**
     * @return snapshots sent.
     */
    public long snapshots()
    {
        return snapshots;
    }

    /**
     * @return back-pressure incidents longer than the stall threshold.
     */
    public long stalls()
    {
        return stalls;
    }

    /**
     * @return true once the bridge failed (see {@link BridgeListener#onFailed}).
     */
    public boolean isFailed()
    {
        return failed;
    }

    @Override
    public String toString()
    {
        return "TransitionBridge{bus=" + busId + ", session=" + Long.toHexString(session) + ", sent=" + sent +
            ", droppedNotConnected=" + droppedNotConnected + ", backPressured=" + backPressured + ", snapshots=" +
            snapshots + (failed ? ", failed" : "") + (closed ? ", closed" : "") + '}';
    }

    /** Copies each polled transition into the staging arrays; a gap needs nothing: the next sequence carries it. */
    private final class Stager implements TransitionHandler<S>
    {
        @Override
        public void onTransition(final Transition<S> transition, final boolean endOfBatch)
        {
            final int i = stagedCount++;
            stagedSequence[i] = transition.sequence();
            stagedTimestamp[i] = transition.timestampNanos();
            stagedFrom[i] = states.idOf(transition.from());
            stagedTo[i] = states.idOf(transition.to());
        }

        @Override
        public void onGap(final Gap<S> gap)
        {
            // counted by the subscription (missed, gaps); the mirror sees the jump in sequence and reports the range
        }
    }

    /**
     * Builds a {@link TransitionBridge}. Defaults: bus id 0, {@link Policy#BLOCK}, batches of 256, a snapshot every
     * 100 ms, stalls reported after 1 s, no counters, a listener that does nothing.
     *
     * @param <S> the state type.
     */
    public static final class Builder<S>
    {
        private final StateBus<S> bus;
        private final StateTable<S> states;
        private final Publication publication;
        private int busId;
        private Policy policy = Policy.BLOCK;
        private int batchLimit = 256;
        private Duration snapshotInterval = Duration.ofMillis(100);
        private Duration stallThreshold = Duration.ofSeconds(1);
        private Aeron aeron;
        private BridgeListener listener = new BridgeListener()
        {
        };

        private Builder(final StateBus<S> bus, final StateTable<S> states, final Publication publication)
        {
            this.bus = Objects.requireNonNull(bus, "bus must not be null");
            this.states = Objects.requireNonNull(states, "states must not be null");
            this.publication = Objects.requireNonNull(publication, "publication must not be null");
        }

        /**
         * @param busId the id that tells this bus's messages apart from other buses' on the same stream.
         * @return this builder.
         */
        public Builder<S> busId(final int busId)
        {
            this.busId = busId;
            return this;
        }

        /**
         * @param policy {@link Policy#BLOCK}: nothing lost while connected, the source waits for Aeron;
         *               {@link Policy#GAP} or {@link Policy#CONFLATE}: the source never waits, mirrors get gap notices.
         * @return this builder.
         */
        public Builder<S> policy(final Policy policy)
        {
            this.policy = Objects.requireNonNull(policy, "policy must not be null");
            return this;
        }

        /**
         * @param batchLimit the most transitions taken from the bus per duty cycle (the staging area's size), 1 or more.
         * @return this builder.
         */
        public Builder<S> batchLimit(final int batchLimit)
        {
            if (batchLimit < 1)
            {
                throw new IllegalArgumentException("batchLimit must be >= 1, got " + batchLimit);
            }
            this.batchLimit = batchLimit;
            return this;
        }

        /**
         * @param interval how often a snapshot is sent; positive.
         * @return this builder.
         */
        public Builder<S> snapshotInterval(final Duration interval)
        {
            if (interval.isNegative() || interval.isZero())
            {
                throw new IllegalArgumentException("snapshotInterval must be positive, got " + interval);
            }
            this.snapshotInterval = interval;
            return this;
        }

        /**
         * @param threshold how long back-pressure lasts before it counts as a stall and is reported; not negative.
         * @return this builder.
         */
        public Builder<S> stallThreshold(final Duration threshold)
        {
            if (threshold.isNegative())
            {
                throw new IllegalArgumentException("stallThreshold must not be negative, got " + threshold);
            }
            this.stallThreshold = threshold;
            return this;
        }

        /**
         * Publishes the source bus's and the bridge's counters as Aeron counters (see {@link CounterTypes}).
         *
         * @param aeron the client that allocates the counters (usually the publication's).
         * @return this builder.
         */
        public Builder<S> counters(final Aeron aeron)
        {
            this.aeron = Objects.requireNonNull(aeron, "aeron must not be null");
            return this;
        }

        /**
         * @param listener told of drops, stalls and failure, on the duty-cycle thread.
         * @return this builder.
         */
        public Builder<S> listener(final BridgeListener listener)
        {
            this.listener = Objects.requireNonNull(listener, "listener must not be null");
            return this;
        }

        /**
         * Subscribes to the bus (the join point is the first snapshot) and allocates everything.
         *
         * @return the bridge; run its {@link TransitionBridge#doWork()}.
         */
        public TransitionBridge<S> build()
        {
            return new TransitionBridge<>(this);
        }
    }

    /** The source bus's and the bridge's counters. */
    private static final class BridgeCounters implements AutoCloseable
    {
        private final Aeron aeron;
        private final String suffix;
        private final StateBus<?> bus;
        private final Counter published;
        private final Counter producerWaits;
        private final Counter sent;
        private final Counter dropped;
        private final Counter backPressured;
        private final Counter snapshots;
        private final Counter stalls;
        private volatile SubscriptionCounters[] subscriptions;

        BridgeCounters(final Aeron aeron, final int busId, final long session, final StateBus<?> bus,
            final Subscription<?> own)
        {
            this.aeron = aeron;
            this.bus = bus;
            this.suffix = "bus=" + busId + " session=" + Long.toHexString(session);
            this.published = aeron.addCounter(CounterTypes.SOURCE_PUBLISHED, "statebus source published: " + suffix);
            this.producerWaits = aeron.addCounter(CounterTypes.SOURCE_PRODUCER_WAITS,
                "statebus source producer waits: " + suffix);
            this.sent = aeron.addCounter(CounterTypes.BRIDGE_SENT, "statebus bridge sent: " + suffix);
            this.dropped = aeron.addCounter(CounterTypes.BRIDGE_NOT_CONNECTED_DROPS,
                "statebus bridge dropped not connected: " + suffix);
            this.backPressured = aeron.addCounter(CounterTypes.BRIDGE_BACK_PRESSURED,
                "statebus bridge back-pressured: " + suffix);
            this.snapshots = aeron.addCounter(CounterTypes.BRIDGE_SNAPSHOTS, "statebus bridge snapshots: " + suffix);
            this.stalls = aeron.addCounter(CounterTypes.BRIDGE_STALLS, "statebus bridge stalls: " + suffix);
            this.subscriptions = new SubscriptionCounters[] {new SubscriptionCounters(aeron, suffix + " bridge", own)};
        }

        synchronized void expose(final String name, final Subscription<?> subscription)
        {
            final SubscriptionCounters[] old = subscriptions;
            final SubscriptionCounters[] grown = java.util.Arrays.copyOf(old, old.length + 1);
            grown[old.length] = new SubscriptionCounters(aeron, suffix + " " + name, subscription);
            subscriptions = grown; // copy on write: the duty cycle reads a whole array
        }

        void refresh(final long sentValue, final long droppedValue, final long backPressuredValue,
            final long snapshotsValue, final long stallsValue)
        {
            published.setRelease(bus.latestSequence());
            producerWaits.setRelease(bus.producerWaits());
            sent.setRelease(sentValue);
            dropped.setRelease(droppedValue);
            backPressured.setRelease(backPressuredValue);
            snapshots.setRelease(snapshotsValue);
            stalls.setRelease(stallsValue);
            for (final SubscriptionCounters counters : subscriptions)
            {
                counters.refresh();
            }
        }

        @Override
        public synchronized void close()
        {
            CloseHelper.closeAll(published, producerWaits, sent, dropped, backPressured, snapshots, stalls);
            CloseHelper.closeAll(subscriptions);
        }
    }
}
