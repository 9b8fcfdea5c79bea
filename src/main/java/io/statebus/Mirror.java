package io.statebus;

import io.statebus.publish.StateMirrorProducer;
import io.statebus.publish.PublishResult;
import io.statebus.ring.StateIds;

import java.time.Duration;
import java.util.Objects;

/**
 * The writing end of a bus that mirrors another bus, usually in another process or on another host: a transport
 * (the {@code statebus-aeron} module, or your own) receives the source's transitions and appends them here; the
 * consumers of {@link #bus()} subscribe, await and read as on any bus, and see the source's sequences, chain and
 * timestamps. Built by {@link StateBusBuilder#buildMirror}.
 *
 * <p>What the mirror never received is never hidden: appending sequence {@code n} after {@code latest} with
 * {@code n > latest + 1} records {@code latest + 1 .. n - 1} as lost, and every subscription of the mirror's bus,
 * {@link Policy#BLOCK} ones included, gets one {@link Gap} notice for exactly that range (its
 * {@link Gap#resumeState()} is the {@code from} of {@code n}), counted in {@link Subscription#missed()}.
 *
 * <pre>{@code
 * Mirror<Session> mirror = StateBus.builder(Session.CLOSED).buildMirror(0, Session.CLOSED, 0);
 * mirror.append(1, Session.CLOSED, Session.OPENING, t1);
 * mirror.append(4, Session.HALTED, Session.OPEN, t4);    // 2..3 never arrived: one gap notice, 2..3
 * }</pre>
 *
 * <p>One thread appends: the first thread that does owns the mirror (a call refused before it changed anything, for
 * bad input or as the mirror is closed, makes no thread the owner). Its bus refuses {@code set},
 * {@code trySet} and {@code compareAndSet} with {@link IllegalStateException}.
 *
 * @param <S> the state type.
 */
public final class Mirror<S> implements AutoCloseable
{
    /**
     * The first sequence a mirror cannot take, 2^62 (a {@link LongMirror}'s too): its readers add to sequences, which
     * must not overflow. A source reaches it after a century at a billion transitions a second.
     */
    public static final long SEQUENCE_LIMIT = StateMirrorProducer.SEQUENCE_LIMIT;

    private final StateBus<S> bus;
    private final StateMirrorProducer<S> producer;
    private final StateIds<S> ids;

    Mirror(final StateBus<S> bus, final StateMirrorProducer<S> producer, final StateIds<S> ids)
    {
        this.bus = bus;
        this.producer = producer;
        this.ids = ids;
    }

    /**
     * @return the mirror's bus, for its consumers.
     */
    public StateBus<S> bus()
    {
        return bus;
    }

    /**
     * Appends the source's transition at {@code sequence}, waiting while a {@link Policy#BLOCK} subscription of
     * the mirror is a whole ring behind (as {@link StateBus#set} waits). A loss of more than a ring before it waits
     * longer: until every {@code BLOCK} subscription (a pending await of that policy too) has consumed everything,
     * as the loss's mark may go in any slot, and then until they have skipped it.
     *
     * @param sequence       the source's sequence; after {@link #latestSequence()}.
     * @param from           the state before; when {@code sequence} is the next one, the mirror's current state.
     * @param to             the state after.
     * @param timestampNanos the source's timestamp of the transition.
     * @return {@code sequence}.
     * @throws IllegalArgumentException if {@code sequence} is not after the latest or not below
     *                                  {@link #SEQUENCE_LIMIT}, the chain would break, or a state is not one of the
     *                                  bus's; nothing appended.
     * @throws IllegalStateException    if another thread appends to this mirror.
     * @throws StateBusClosedException  if the mirror is closed, also while waiting.
     */
    public long append(final long sequence, final S from, final S to, final long timestampNanos)
    {
        return producer.append(sequence, ids.idOf(from), ids.idOf(to), timestampNanos, PublishResult.NO_DEADLINE);
    }

    /**
     * As {@link #append}, in one attempt that never waits and reads no clock: for a receiver's duty cycle, which
     * leaves the message in its transport and offers it again later (Aeron then holds the sender back).
     *
     * @param sequence       the source's sequence; after {@link #latestSequence()}.
     * @param from           the state before.
     * @param to             the state after.
     * @param timestampNanos the source's timestamp of the transition.
     * @return true if appended; false if a {@code BLOCK} subscription of the mirror holds it back (see
     *     {@link #append}) and nothing was appended (when more than a ring was lost, that loss may already be
     *     recorded: {@link #latestSequence()} tells, and the next attempt appends after it).
     */
    public boolean tryAppend(final long sequence, final S from, final S to, final long timestampNanos)
    {
        return producer.append(sequence, ids.idOf(from), ids.idOf(to), timestampNanos, PublishResult.NO_WAIT) > 0;
    }

    /**
     * Appends the transitions of {@code run} from {@code first} on that follow the mirror's latest directly (each at
     * the next sequence, its {@code from} the current state), in one attempt that never waits and reads no clock, the
     * listeners told once: for a receiver that gets its source's transitions in batches, at a fraction of
     * {@link #tryAppend}'s cost per transition. It stops after {@code count}, or at the first that does not follow
     * directly (a jump, a repeat, a broken chain, a state index that is not the bus's) or finds no room; the caller
     * appends that one with {@link #tryAppend}, which records a jump as lost, refuses a repeat, a broken chain or an
     * unknown state, and says when a {@code BLOCK} subscription holds it back.
     *
     * @param run   the transitions, read by index during the call.
     * @param first the index of the first to append.
     * @param count how many from {@code first} the caller offers, at least 0.
     * @return how many were appended, in order from {@code first}: 0 if the first does not follow directly or
     *     finds no room.
     * @throws NullPointerException     if {@code run} is null.
     * @throws IllegalArgumentException if {@code count} is negative.
     * @throws IllegalStateException    if another thread appends to this mirror.
     * @throws StateBusClosedException  if the mirror is closed.
     * @throws RuntimeException         what {@code run} throws; the transitions appended before it stay appended.
     */
    public int tryAppendRun(final MirrorRun<S> run, final int first, final int count)
    {
        return producer.appendRun(run, first, count);
    }

    /**
     * As {@link #append}, waiting at most {@code timeout}.
     *
     * @param sequence       the source's sequence; after {@link #latestSequence()}.
     * @param from           the state before.
     * @param to             the state after.
     * @param timestampNanos the source's timestamp of the transition.
     * @param timeout        how long to wait for a {@code BLOCK} subscription at most.
     * @return true if appended; false if the wait timed out and nothing was appended (when more than a ring was
     *     lost, that loss may already be recorded: {@link #latestSequence()} tells).
     * @throws InterruptedException if interrupted while waiting; nothing appended.
     */
    public boolean tryAppend(
        final long sequence, final S from, final S to, final long timestampNanos, final Duration timeout)
        throws InterruptedException
    {
        Objects.requireNonNull(timeout, "timeout must not be null");
        final long deadline = Deadlines.of(timeout);
        final long result = producer.append(sequence, ids.idOf(from), ids.idOf(to), timestampNanos, deadline);
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

    /** Closes the mirror's bus (see {@link BusStatus#close()}). */
    @Override
    public void close()
    {
        bus.close();
    }

    @Override
    public String toString()
    {
        return "Mirror{latest=" + latestSequence() + ", lost=" + lost() + ", bus=" + bus + "}";
    }
}
