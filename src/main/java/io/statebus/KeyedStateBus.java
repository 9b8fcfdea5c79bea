package io.statebus;

import io.statebus.keys.KeyEntry;
import io.statebus.keys.LiveKeys;
import io.statebus.publish.KeyedPublisher;
import io.statebus.publish.PublishResult;
import io.statebus.ring.StateIds;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;

/**
 * Many entities on one ring: each transition carries the {@code long} key of its entity (an order id, a
 * connection id); the bus keeps every open key's state; subscriptions see the transitions of all keys in one global
 * order, with each key's chain kept ({@code next.from == prev.to} for the same key), or of only the keys their
 * filter admits. Memory is fixed when built: the ring, and a table of at most {@code maxKeys} open keys (32 bytes a
 * key). Keys that reach a final state can be retired, so a day of orders fits a table of the live ones.
 *
 * <pre>{@code
 * KeyedStateBus<Order> orders = KeyedStateBus.builder(Order.class).maxKeys(100_000)
 *     .retireOn(Order.FILLED, Order.CANCELED, Order.REJECTED).build();
 * KeyedSubscription<Order> risk = orders.subscribe(Policy.BLOCK);
 *
 * orders.open(42, Order.NEW);                        // publishes NEW -> NEW for key 42
 * orders.set(42, Order.PARTIALLY_FILLED);
 * orders.set(42, Order.FILLED);                      // published, then key 42 is retired
 *
 * risk.poll((t, end) -> System.out.println(t.key() + ": " + t.from() + " -> " + t.to()), 256);
 * }</pre>
 *
 * <p>Thread safety: {@link #get(long)} may be called from any thread (lock-free); who may publish depends on the
 * {@link ProducerMode}; each subscription is consumed by one thread at a time.
 *
 * @param <S> the state type: an enum, or listed states.
 */
public final class KeyedStateBus<S> extends KeyedSubscriptionFrontEnd<S> implements KeyedAwaits<S>, BusStatus
{
    /** What {@link #set} returns when the key already had that state and nothing was published. */
    public static final long NOT_PUBLISHED = PublishResult.NOT_PUBLISHED;
    /**
     * The first sequence a keyed bus cannot publish, 2^50 (36 years at a million transitions a second): each key's
     * entry keeps 50 bits of its latest sequence. A bus there refuses to publish; a mirror, to go there.
     */
    public static final long SEQUENCE_LIMIT = KeyEntry.SEQUENCE_LIMIT;

    private final StateIds<S> ids;
    private final KeyedPublisher<S> publisher;
    private final KeyAwaits<S> awaits;

    KeyedStateBus(final StateIds<S> ids, final KeyedPublisher<S> publisher, final BusCore<S> core)
    {
        super(core);
        this.ids = ids;
        this.publisher = publisher;
        this.awaits = new KeyAwaits<>(ids, publisher.table(), core);
    }

    /**
     * @param type the enum whose constants are the states.
     * @param <E>  the enum type.
     * @return a builder.
     */
    public static <E extends Enum<E>> KeyedStateBusBuilder<E> builder(final Class<E> type)
    {
        return new KeyedStateBusBuilder<>(StateIds.forEnum(Objects.requireNonNull(type, "type must not be null")));
    }

    /**
     * @param states every state a key may take, at most 4,096, no duplicates, no null.
     * @param <S>    the state type.
     * @return a builder.
     */
    public static <S> KeyedStateBusBuilder<S> builder(final List<S> states)
    {
        return new KeyedStateBusBuilder<>(StateIds.forStates(states));
    }

    /**
     * Opens a key in its initial state and publishes {@code initial -> initial} for it, so subscribers learn of it.
     * An initial state given to {@code retireOn} retires the key once that transition is published.
     *
     * @param key     a key not open now.
     * @param initial its first state.
     * @return the sequence of that transition.
     * @throws IllegalArgumentException if the key is open, or the state unknown; nothing changed.
     * @throws IllegalStateException    if {@code maxKeys} keys are open, or as for {@link #set}; nothing changed.
     * @throws StateBusClosedException  if the bus is closed; nothing changed.
     */
    public long open(final long key, final S initial)
    {
        return publisher.open(key, ids.idOf(initial), PublishResult.NO_DEADLINE);
    }

    /**
     * Changes a key's state and publishes the transition, waiting while a {@code BLOCK} subscription is a whole
     * ring behind. Reaching a state given to {@code retireOn} retires the key.
     *
     * @param key  an open key.
     * @param next its new state.
     * @return the sequence, or {@link #NOT_PUBLISHED} if the key was in that state.
     * @throws IllegalArgumentException     if the key is not open or the state unknown; nothing changed.
     * @throws ForbiddenTransitionException if the builder's allowed transitions forbid it; nothing changed.
     * @throws StateBusClosedException      if the bus is closed, also while waiting; nothing changed.
     * @throws IllegalStateException        on a single-producer bus, from a second thread, or on a mirror's bus;
     *                                      nothing changed.
     */
    public long set(final long key, final S next)
    {
        return publisher.change(key, -1, ids.idOf(next), PublishResult.NO_DEADLINE);
    }

    /**
     * As {@link #set}, waiting at most {@code timeout} for a {@code BLOCK} subscription (or another producer).
     *
     * @param key     an open key.
     * @param next    its new state.
     * @param timeout how long to wait at most; not negative.
     * @return false if the wait timed out and nothing was published.
     * @throws InterruptedException     if interrupted while waiting; nothing published.
     * @throws IllegalArgumentException if {@code timeout} is negative; nothing changed. Else refused as
     *                                  {@link #set} is.
     */
    public boolean trySet(final long key, final S next, final Duration timeout) throws InterruptedException
    {
        final long result = publisher.change(key, -1, ids.idOf(next), Deadlines.of(timeout));
        if (result == PublishResult.INTERRUPTED)
        {
            throw new InterruptedException("interrupted while waiting to publish " + next + " for key " + key);
        }
        return result != PublishResult.TIMED_OUT;
    }

    /**
     * Changes a key's state only if it is {@code expected}; linearizable per key.
     *
     * @param key      an open key.
     * @param expected the state it must be in.
     * @param next     its new state.
     * @return whether the key was in {@code expected} (and {@code next} was published, unless equal).
     * @throws IllegalArgumentException if the key is not open or a state unknown; nothing changed. Else refused as
     *                                  {@link #set} is (a forbidden move, a closed bus, a second thread).
     */
    public boolean compareAndSet(final long key, final S expected, final S next)
    {
        final int expectedId = ids.idOf(expected);
        return publisher.change(key, expectedId, ids.idOf(next), PublishResult.NO_DEADLINE) !=
            PublishResult.CAS_FAILED;
    }

    /**
     * @param key an open key.
     * @return its current state: the {@code to} of its latest transition. Lock-free, from any thread.
     * @throws IllegalArgumentException if the key is not open (never opened, or retired).
     */
    public S get(final long key)
    {
        return ids.stateOf(publisher.keyStates().openStateIdOf(key));
    }

    /**
     * @param key a key.
     * @return whether it is open now.
     */
    public boolean isOpen(final long key)
    {
        return publisher.keyStates().stateIdOf(key) >= 0;
    }

    /**
     * Retires a key without publishing anything: it is unknown from now on, and its table slot free. Subscribers
     * see no transition for it; a transport that mirrors the bus learns of it from {@link #retirements()}.
     *
     * @param key an open key.
     * @throws IllegalArgumentException if the key is not open.
     * @throws StateBusClosedException  if the bus is closed; nothing changed.
     * @throws IllegalStateException    as for {@link #set}; nothing changed.
     */
    public void retire(final long key)
    {
        publisher.retire(key);
    }

    @Override
    public Awaited<S> await(final long key, final S state, final Duration timeout) throws InterruptedException
    {
        final int id = ids.idOf(state);
        return await(key, s -> ids.idOf(s) == id, timeout);
    }

    @Override
    public Awaited<S> await(final long key, final Predicate<? super S> predicate, final Duration timeout)
        throws InterruptedException
    {
        return awaits.await(key, predicate, false, timeout);
    }

    @Override
    public Awaited<S> awaitChange(final long key, final Duration timeout) throws InterruptedException
    {
        return awaits.await(key, s -> true, true, timeout);
    }

    @Override
    public CompletableFuture<Transition<S>> awaitAsync(
        final long key, final Predicate<? super S> predicate, final Duration timeout, final Executor executor)
    {
        return awaits.awaitAsync(key, predicate, timeout, executor);
    }

    /**
     * Visits every open key with its latest transition's state and sequence, each as of the moment its entry was
     * read, in one pass of the key table that never holds the producer back and ends however fast keys are retired:
     * a key open during the whole call is visited once; one opened or retired meanwhile may or may not be (a key
     * visited so was open when read; its retirement is a later transition, or in {@link #retirements()}). For a
     * transport's snapshot: a key whose sequence is at or before a reader's position was in that state there; a
     * later one will reach the reader. Allocates a copy of the open keys: not for a hot path.
     *
     * @param visitor told of each open key.
     * @throws NullPointerException if {@code visitor} is null, whether or not any key is open.
     */
    public void forEachOpenKey(final OpenKeyVisitor<? super S> visitor)
    {
        Objects.requireNonNull(visitor, "visitor must not be null");
        final LiveKeys live = LiveKeys.of(publisher.table());
        for (int i = 0; i < live.size(); i++)
        {
            final long entry = live.entry(i);
            visitor.visit(live.key(i), ids.stateOf(KeyEntry.stateId(entry)), KeyEntry.sequence(entry));
        }
    }

    /**
     * @return a reader of the keys this bus retires with {@link #retire} from now on, each placed between two
     *     sequences: for a transport that mirrors the bus ({@link RetiredKeys}).
     */
    public RetiredKeys retirements()
    {
        return new RetiredKeys(publisher.table().retirements());
    }

    /**
     * @param state a state.
     * @return whether a key that reaches it is retired (the builder's {@code retireOn}).
     */
    public boolean retiresOn(final S state)
    {
        return publisher.retiresOn(ids.idOf(state));
    }

    /**
     * @return how many keys are open.
     */
    public int openKeys()
    {
        return publisher.table().size();
    }

    /**
     * @return the most keys open at once.
     */
    public int maxKeys()
    {
        return publisher.table().maxKeys();
    }

    @Override
    public String toString()
    {
        return "KeyedStateBus{keys=" + openKeys() + "/" + maxKeys() + core.describe(false);
    }
}
