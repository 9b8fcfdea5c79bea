package io.statebus.aeron;

import io.aeron.Publication;
import io.statebus.KeyedStateBus;
import io.statebus.LongStateBus;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;

import java.util.Objects;

/**
 * Sends every transition of a local {@link StateBus}, {@link LongStateBus} or {@link KeyedStateBus} to an Aeron
 * {@link Publication} (IPC or UDP), for {@link MirrorReceiver}s in other processes or hosts.
 *
 * <pre>{@code
 * TransitionBridge<Session> bridge = TransitionBridge.builder(bus, StateTable.forEnum(Session.class), publication)
 *     .busId(1).policy(Policy.BLOCK).counters(aeron).build();
 * TransitionBridge<Long> position = TransitionBridge.builder(positionBus, publication).busId(2).build();
 * TransitionBridge<Order> orders = TransitionBridge.builder(orderBus, StateTable.forEnum(Order.class), publication)
 *     .busId(3).build();
 * AgentRunner.startOnThread(new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null,
 *     new CompositeAgent(bridge, position, orders)));
 * }</pre>
 *
 * <p>The bridge is an Agrona {@link Agent}: run it on an {@code AgentRunner}, in a {@code CompositeAgent}, or call
 * {@link #doWork()} from your own duty cycle (for example the producer's, between publishes; with {@code BLOCK}, never
 * publish more than the ring's capacity between two calls from the same thread, or {@code set} waits for itself).
 * Each duty cycle takes at most {@code batchLimit} transitions from its bus subscription and writes them into the
 * publication with {@code tryClaim} as runs, as many transitions per message as one message holds (smart batching:
 * nothing waits, a transition alone goes alone; see {@link WireFormat}). Those refused wait in a preallocated area:
 * nothing allocated.
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
 * mirrors, and it costs one message per interval. A mirror that joins an idle source starts within one
 * interval; one that joins a busy source starts at the first transition it receives. A keyed bus's snapshot is a
 * run of one message per open key (see {@link WireFormat}): a keyed mirror starts from the first whole run it
 * receives. The bridge keeps a copy of the source's open keys for it (seeded from the source's key table, then kept
 * from the transitions it takes, seeded again after a gap). A key retired with {@link KeyedStateBus#retire}, which
 * publishes no transition, is read from the bus's log of them ({@link KeyedStateBus#retirements()}) and sent as a
 * {@link WireFormat#KEYED_RETIRE} between the same two transitions as it came between at the source, so a live
 * mirror's key table is the source's at every sequence (and needs no more room than the source's), and later runs do
 * not hold it. A bridge that fell so far behind that the log lapped it (more than its size, 64 to 4096, of
 * retirements unread) finds the ones it missed by comparing the copy with the source's key table when idle (at most
 * every millisecond) and before each run.
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
    private final Subscription<S> subscription;
    private final Publication publication;
    private final int busId;
    private final String roleName;
    private final BridgeDutyCycle<S> cycle;

    TransitionBridge(final TransitionBridgeBuilder<S> builder)
    {
        this.busId = builder.busId;
        this.roleName = "statebus-bridge-" + busId;
        this.publication = builder.publication;
        BridgedBusIds.claim(publication, busId, this); // first: a refused build has subscribed to nothing
        Subscription<S> own = null;
        try
        {
            final BridgeSource source = builder.source.subscribe(builder.policy);
            @SuppressWarnings("unchecked") // the source's subscription is of the bus the builder was given, of type S
            final Subscription<S> taken = (Subscription<S>)source.subscription();
            own = taken;
            this.cycle = new BridgeDutyCycle<>(builder, source);
        }
        catch (final RuntimeException | Error ex) // an OutOfMemoryError too
        {
            if (own != null)
            {
                own.close(); // a half-built bridge must not hold the source back
            }
            BridgedBusIds.release(publication, busId, this);
            throw ex;
        }
        this.subscription = own;
    }

    /**
     * Starts a bridge of {@code bus}'s transitions to {@code publication}.
     *
     * @param bus         the source bus.
     * @param states      how states travel: every state the bus may take; the mirrors use the same table.
     * @param publication where the messages go (exclusive or concurrent; many bridges may share one with distinct
     *                    bus ids).
     * @param <S>         the state type.
     * @return a builder.
     */
    public static <S> TransitionBridgeBuilder<S> builder(
        final StateBus<S> bus, final StateTable<S> states, final Publication publication)
    {
        Objects.requireNonNull(bus, "bus must not be null");
        Objects.requireNonNull(states, "states must not be null");
        return new TransitionBridgeBuilder<>(
            policy -> new StateBridgeSource<>(bus, states, policy), states, WireFormat.STATES, publication);
    }

    /**
     * Starts a bridge of a long bus's transitions to {@code publication} (their values travel as two longs).
     *
     * @param bus         the source bus.
     * @param publication where the messages go.
     * @return a builder.
     */
    public static TransitionBridgeBuilder<Long> builder(final LongStateBus bus, final Publication publication)
    {
        Objects.requireNonNull(bus, "bus must not be null");
        return new TransitionBridgeBuilder<>(policy -> new LongBridgeSource(bus, policy), null, WireFormat.LONGS,
            publication);
    }

    /**
     * Starts a bridge of a keyed bus's transitions to {@code publication} (each with its key), and of snapshot runs
     * of its open keys for mirrors that join late.
     *
     * @param bus         the source bus.
     * @param states      how states travel: every state the bus may take; the mirrors use the same table.
     * @param publication where the messages go.
     * @param <S>         the state type.
     * @return a builder.
     */
    public static <S> TransitionBridgeBuilder<S> builder(
        final KeyedStateBus<S> bus, final StateTable<S> states, final Publication publication)
    {
        Objects.requireNonNull(bus, "bus must not be null");
        Objects.requireNonNull(states, "states must not be null");
        return new TransitionBridgeBuilder<>(
            policy -> new KeyedBridgeSource<>(bus, states, policy), states, WireFormat.KEYED, publication);
    }

    /**
     * One duty cycle: a snapshot if one is due, then at most {@code batchLimit} transitions from the bus into the
     * publication (those the publication refuses with back-pressure stay staged for the next cycle).
     *
     * @return the transitions and snapshots sent or dropped: the work done, for an idle strategy.
     * @throws AgentTerminationException once the source bus is closed and every transition it published was sent
     *                                   (or dropped, the publication not connected): an {@code AgentRunner} then
     *                                   stops; not a failure ({@link BridgeListener#onFailed} is not told).
     * @throws IllegalStateException     once, if the publication closed; the bridge has then failed (see
     *                                   {@link BridgeListener#onFailed}) and does nothing more.
     * @throws IllegalArgumentException  once, if the source took a state its {@link StateTable} does not hold (a
     *                                   table of listed states that lacks one of the bus's); the bridge has then
     *                                   failed, as above.
     */
    @Override
    public int doWork()
    {
        return cycle.doWork();
    }

    /**
     * Exposes another subscription of the source bus as Aeron counters (delivered, missed, gaps, lag), refreshed by
     * this bridge's duty cycle until the subscription or the bridge closes: the first duty cycle that refreshes the
     * counters after the subscription closed (or failed, or the source bus closed) frees them, so subscriptions that
     * come and go hold no counters once gone. Needs {@link TransitionBridgeBuilder#counters}. For a long or keyed
     * bus, pass {@code subscription()} of its {@code LongSubscription} or {@code KeyedSubscription}.
     *
     * @param name         a name for the counters' labels (each reads {@code "statebus <what>: bus=<id>
     *                     session=<hex> <name>"}).
     * @param subscription a subscription of the bridged bus.
     * @throws NullPointerException     if {@code name} or {@code subscription} is null.
     * @throws IllegalStateException    if the bridge has no counters, or is closed or failed.
     * @throws IllegalArgumentException if the subscription is of another bus: checked for a bus of states only; a
     *                                  long or keyed bus's subscriptions do not name their bus, so for those the
     *                                  caller must pass one of the bridged bus (the counters are labelled with its id).
     */
    public void exposeCounters(final String name, final Subscription<S> subscription)
    {
        cycle.expose(name, subscription);
    }

    /**
     * Closes the bridge's subscription (it stops holding the source back) and its counters, and frees its bus id on
     * the publication for another bridge; sends nothing more.
     * Idempotent; from any thread: a duty cycle running meanwhile ends quietly (not as a failure) and writes no
     * counter after the close. Does not close the publication.
     */
    @Override
    public void close()
    {
        cycle.close();
        BridgedBusIds.release(publication, busId, this); // another bridge may now send this bus id on it
    }

    /** Closes the bridge: {@link #close()}, when its {@code AgentRunner} stops. */
    @Override
    public void onClose()
    {
        close();
    }

    /** @return {@code statebus-bridge-<bus id>}. */
    @Override
    public String roleName()
    {
        return roleName;
    }

    /** @return the random session id of this bridge, which every message carries. */
    public long session()
    {
        return cycle.session();
    }

    /** @return the bus id every message carries. */
    public int busId()
    {
        return busId;
    }

    /** @return the bridge's subscription of the source bus (its counters: delivered, missed, gaps, lag). */
    public Subscription<S> subscription()
    {
        return subscription;
    }

    /** @return transitions handed to the publication. */
    public long sent()
    {
        return cycle.sent();
    }

    /** @return transitions dropped because the publication was not connected. */
    public long droppedNotConnected()
    {
        return cycle.droppedNotConnected();
    }

    /** @return offers refused with back-pressure (each retried). */
    public long backPressured()
    {
        return cycle.backPressured();
    }

    /** @return snapshots sent. */
    public long snapshots()
    {
        return cycle.snapshots();
    }

    /** @return back-pressure incidents longer than the stall threshold. */
    public long stalls()
    {
        return cycle.stalls();
    }

    /** @return true once the bridge failed (see {@link BridgeListener#onFailed}). */
    public boolean isFailed()
    {
        return cycle.isFailed();
    }

    @Override
    public String toString()
    {
        return "TransitionBridge{bus=" + busId() + ", session=" + Long.toHexString(session()) + ", sent=" + sent() +
            ", droppedNotConnected=" + droppedNotConnected() + ", backPressured=" + backPressured() + ", snapshots=" +
            snapshots() + (cycle.isFailed() ? ", failed" : "") + (cycle.isClosed() ? ", closed" : "") + '}';
    }
}
