package io.statebus;

import io.statebus.publish.KeyedMirrorProducer;
import io.statebus.publish.PublishResult;
import io.statebus.ring.StateIds;

import java.time.Duration;
import java.util.Objects;

/**
 * The writing end of a {@link KeyedStateBus} that mirrors another one, as {@link Mirror} is for a {@link StateBus}:
 * a transport appends the source's transitions {@code (sequence, key, from, to, timestamp)}; the consumers of
 * {@link #bus()} see the source's sequences, keys, per-key chains and timestamps, and {@link KeyedStateBus#get}
 * answers with the source's state of each key. Built by {@link KeyedStateBusBuilder#buildMirror}, with the source's
 * states and final states ({@code retireOn}).
 *
 * <p>Keys: a mirror that starts mid-stream takes the keys open at its start sequence from the source's snapshot
 * with {@link #seed}, before its first append. After that it keeps the same key table as the source from the stream
 * alone: {@code s -> s} opens a key (or reopens it), a final state retires it (see {@link KeyedMirrorProducer} for
 * each case; a key retired with {@link KeyedStateBus#retire}, which publishes nothing, stays until it reopens or
 * the transport tells it with {@link #retire}).
 *
 * <p>What the mirror never received is never hidden: appending sequence {@code n} after {@code latest} with
 * {@code n > latest + 1} records {@code latest + 1 .. n - 1} as lost, and every subscription of the mirror's bus,
 * {@link Policy#BLOCK} ones included, gets one {@link Gap} notice for exactly that range. A key that changed in a
 * lost range then resumes from its next transition's {@code from}; a key opened in it is learnt at its next
 * transition.
 *
 * <pre>{@code
 * KeyedMirror<Order> orders = KeyedStateBus.builder(Order.class).retireOn(Order.FILLED)
 *     .buildMirror(snapshotSequence, snapshotTime);
 * orders.seed(42, Order.NEW);                              // open at the snapshot
 * orders.append(snapshotSequence + 1, 42, Order.NEW, Order.FILLED, t);   // then retired, as on the source
 * }</pre>
 *
 * <p>One thread seeds and appends: the first thread that does owns the mirror (a call refused before it changed
 * anything, for bad input or as the mirror is closed, makes no thread the owner). Its bus refuses {@code open},
 * {@code set}, {@code trySet}, {@code compareAndSet} and {@code retire} with {@link IllegalStateException}.
 *
 * @param <S> the state type.
 */
public final class KeyedMirror<S> implements AutoCloseable
{
    private final KeyedStateBus<S> bus;
    private final KeyedMirrorProducer<S> producer;
    private final StateIds<S> ids;

    KeyedMirror(final KeyedStateBus<S> bus, final KeyedMirrorProducer<S> producer, final StateIds<S> ids)
    {
        this.bus = bus;
        this.producer = producer;
        this.ids = ids;
    }

    /**
     * @return the mirror's bus, for its consumers.
     */
    public KeyedStateBus<S> bus()
    {
        return bus;
    }

    /**
     * Opens a key that was open at the mirror's start sequence, in its state there (from the source's snapshot).
     * Publishes nothing: subscribers join at the start sequence, where the key already was in that state.
     *
     * @param key   a key not seeded yet.
     * @param state its state at the start sequence.
     * @throws IllegalStateException    after the first append, from another thread, or if {@code maxKeys} keys
     *                                  are open.
     * @throws IllegalArgumentException if the key was seeded already, or the state is unknown or final (one the
     *                                  builder's {@code retireOn} names: the source holds no key there).
     * @throws StateBusClosedException  if the mirror is closed; nothing changed.
     */
    public void seed(final long key, final S state)
    {
        producer.seed(key, ids.idOf(state));
    }

    /**
     * Repairs the key table after lost sequences (or retirements its transport missed), from a snapshot of the
     * source's open keys at the mirror's latest
     * sequence: keys not in it are removed (the source retired them in a lost range, or unseen by a transport that
     * then rebuilt its view), each recorded in {@link KeyedStateBus#retirements()} at this sequence as an explicit
     * retirement would be (so a bridge of this mirror's bus passes it on in place); the others take its state.
     * Publishes nothing: a retirement is no transition, and the mirror's subscriptions were told of any loss by a gap
     * notice. From then on, until the
     * next loss, every key's chain is checked and a change of a key not open is refused, as before any loss (also
     * when {@code sequence} was recorded as lost by {@link #lostUpTo}).
     *
     * @param sequence the sequence the snapshot describes, the mirror's {@link #latestSequence()}.
     * @param keys     the keys open at the source then: the first {@code states.size()} of the array, which may be
     *                 a longer buffer (the rest is not read).
     * @param states   their states, at the same indexes.
     * @throws IllegalArgumentException if {@code sequence} is not the latest, the array holds fewer keys than there
     *                                  are states, a key is in it twice, or a state is unknown or final; nothing
     *                                  changed.
     * @throws IllegalStateException    if there are more keys than {@code maxKeys}, or another thread appends.
     * @throws StateBusClosedException  if the mirror is closed; nothing changed.
     */
    public void resync(final long sequence, final long[] keys, final java.util.List<S> states)
    {
        if (states.size() > keys.length)
        {
            throw new IllegalArgumentException(states.size() + " states for " + keys.length + " keys");
        }
        final int[] stateIds = new int[states.size()];
        for (int i = 0; i < stateIds.length; i++)
        {
            stateIds[i] = ids.idOf(states.get(i));
        }
        producer.resync(sequence, keys, stateIds, stateIds.length);
    }

    /**
     * Retires a key that the source retired with {@link KeyedStateBus#retire}, which publishes nothing: for a
     * transport that learnt of it. Publishes nothing either, as on the source: the mirror's subscriptions see the same
     * transitions as the source's. A key whose latest transition here is after {@code knownAt} (it was opened again
     * after that retirement) is kept; a key taken from a snapshot ({@link #seed}, {@link #resync}) counts as changed
     * at the snapshot's sequence, so a transport that learnt of the retirement as of a source sequence passes that
     * sequence, not the key's older latest transition.
     *
     * @param key     the key.
     * @param knownAt a source sequence as of which the key is retired: its latest transition before the retirement,
     *                or a later sequence before it was opened again.
     * @return true if the key was open and is retired now; false if it was not open, or is newer than {@code knownAt}.
     * @throws IllegalStateException if another thread appends to this mirror.
     * @throws StateBusClosedException if the mirror is closed; nothing changed.
     */
    public boolean retire(final long key, final long knownAt)
    {
        return producer.retire(key, knownAt);
    }

    /**
     * Records the source's sequences after the latest up to {@code sequence} as lost, in one attempt that never
     * waits: for a transport that learns from a snapshot that the source is at {@code sequence} while none of those
     * transitions arrived. Every subscription gets one gap notice for them before the next transition; the keys keep
     * their states until a transition or {@link #resync} changes them.
     *
     * @param sequence the source's sequence, after {@link #latestSequence()}.
     * @return true if recorded; false if a {@code BLOCK} subscription has not consumed everything yet (nothing
     *     recorded).
     * @throws IllegalArgumentException if {@code sequence} is not after the latest, or not below 2^50 (a keyed
     *                                  bus's last sequence is 2^50 - 1).
     * @throws IllegalStateException    if another thread appends to this mirror.
     */
    public boolean lostUpTo(final long sequence)
    {
        return producer.lostUpTo(sequence);
    }

    /**
     * Appends the source's transition of {@code key} at {@code sequence}, waiting while a {@link Policy#BLOCK}
     * subscription of the mirror is a whole ring behind; before a loss of more than a ring, until every one has
     * consumed everything (see {@link Mirror#append}).
     *
     * @param sequence       the source's sequence; after {@link #latestSequence()}.
     * @param key            the entity's key.
     * @param from           its state before (equal to {@code to}: the key opens).
     * @param to             its state after.
     * @param timestampNanos the source's timestamp of the transition.
     * @return {@code sequence}.
     * @throws IllegalArgumentException if {@code sequence} is not after the latest, the key's chain would break, the
     *                                  key changes but was never opened (nothing lost since the start), or a state
     *                                  is unknown; nothing appended.
     * @throws IllegalStateException    if another thread appends, or the key table is full.
     * @throws StateBusClosedException  if the mirror is closed, also while waiting.
     */
    public long append(final long sequence, final long key, final S from, final S to, final long timestampNanos)
    {
        return producer.append(sequence, key, ids.idOf(from), ids.idOf(to), timestampNanos, PublishResult.NO_DEADLINE);
    }

    /**
     * As {@link #append}, in one attempt that never waits and reads no clock (see {@link Mirror#tryAppend}).
     *
     * @param sequence       the source's sequence; after {@link #latestSequence()}.
     * @param key            the entity's key.
     * @param from           its state before.
     * @param to             its state after.
     * @param timestampNanos the source's timestamp of the transition.
     * @return true if appended; false if a {@code BLOCK} subscription of the mirror holds it back and nothing
     *     was appended (a loss of more than a ring may already be recorded: {@link #latestSequence()} tells).
     */
    public boolean tryAppend(
        final long sequence, final long key, final S from, final S to, final long timestampNanos)
    {
        return producer.append(sequence, key, ids.idOf(from), ids.idOf(to), timestampNanos, PublishResult.NO_WAIT) > 0;
    }

    /**
     * As {@link #append}, waiting at most {@code timeout}.
     *
     * @param sequence       the source's sequence; after {@link #latestSequence()}.
     * @param key            the entity's key.
     * @param from           its state before.
     * @param to             its state after.
     * @param timestampNanos the source's timestamp of the transition.
     * @param timeout        how long to wait for a {@code BLOCK} subscription at most.
     * @return true if appended; false if the wait timed out and nothing was appended.
     * @throws InterruptedException if interrupted while waiting; nothing appended.
     */
    public boolean tryAppend(final long sequence, final long key, final S from, final S to,
        final long timestampNanos, final Duration timeout) throws InterruptedException
    {
        Objects.requireNonNull(timeout, "timeout must not be null");
        final long result =
            producer.append(sequence, key, ids.idOf(from), ids.idOf(to), timestampNanos, Deadlines.of(timeout));
        if (result == PublishResult.INTERRUPTED)
        {
            throw new InterruptedException();
        }
        return result > 0;
    }

    /**
     * @return the latest sequence appended (or lost): the source's sequence this mirror has reached.
     */
    public long latestSequence()
    {
        return bus.latestSequence();
    }

    /**
     * @return how many of the source's sequences this mirror never received.
     */
    public long lost()
    {
        return producer.lost();
    }

    /**
     * Closes the mirror's bus (see {@link KeyedStateBus#close()}). From then on {@link #seed}, {@link #resync},
     * {@link #retire}, the appends and {@link #lostUpTo} fail with {@link StateBusClosedException} and change nothing:
     * the key table ({@code get}, {@code isOpen}, {@code forEachOpenKey}) stays as it was at close. As on a
     * single-producer bus ({@link BusStatus#close()}), one of them running on the appending thread at the same moment
     * as {@code close()} on another thread may still land once after {@code close()} returns; for an exact cut, close
     * from the appending thread.
     */
    @Override
    public void close()
    {
        bus.close();
    }

    @Override
    public String toString()
    {
        return "KeyedMirror{latest=" + latestSequence() + ", lost=" + lost() + ", bus=" + bus + "}";
    }
}
