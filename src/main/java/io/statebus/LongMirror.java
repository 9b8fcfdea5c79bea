package io.statebus;

import io.statebus.publish.LongMirrorProducer;
import io.statebus.publish.PublishResult;

import java.time.Duration;
import java.util.Objects;

/**
 * The writing end of a {@link LongStateBus} that mirrors another one, as {@link Mirror} is for a {@link StateBus}:
 * a transport appends the source's transitions, and the consumers of {@link #bus()} see the source's sequences,
 * values, chain and timestamps. Built by {@link LongStateBusBuilder#buildMirror}.
 *
 * <p>What the mirror never received is never hidden: appending sequence {@code n} after {@code latest} with
 * {@code n > latest + 1} records {@code latest + 1 .. n - 1} as lost, and every subscription of the mirror's bus,
 * {@link Policy#BLOCK} ones included, gets one {@link LongGap} notice for exactly that range (its
 * {@link LongGap#resumeValue()} is the {@code from} of {@code n}), counted in {@link LongSubscription#missed()}.
 *
 * <pre>{@code
 * LongMirror position = StateBus.longBuilder(snapshotTo).buildMirror(snapshotSequence, snapshotFrom, snapshotTime);
 * position.append(8, 100, 120, t8);
 * position.append(11, 90, 95, t11);    // 9..10 never arrived: one gap notice, 9..10, resuming from 90
 * }</pre>
 *
 * <p>One thread appends: the first thread that does owns the mirror (a call refused before it changed anything, for
 * bad input or as the mirror is closed, makes no thread the owner). Its bus refuses {@code set}, {@code trySet} and
 * {@code compareAndSet} with {@link IllegalStateException}.
 */
public final class LongMirror implements AutoCloseable
{
    /** The first sequence a long mirror cannot take, 2^62, as {@link Mirror#SEQUENCE_LIMIT}. */
    public static final long SEQUENCE_LIMIT = Mirror.SEQUENCE_LIMIT;

    private final LongStateBus bus;
    private final LongMirrorProducer producer;

    LongMirror(final LongStateBus bus, final LongMirrorProducer producer)
    {
        this.bus = bus;
        this.producer = producer;
    }

    /**
     * @return the mirror's bus, for its consumers.
     */
    public LongStateBus bus()
    {
        return bus;
    }

    /**
     * Appends the source's transition at {@code sequence}, waiting while a {@link Policy#BLOCK} subscription of
     * the mirror is a whole ring behind; before a loss of more than a ring, until every one has consumed everything
     * (see {@link Mirror#append}).
     *
     * @param sequence       the source's sequence; after {@link #latestSequence()}.
     * @param from           the value before; when {@code sequence} is the next one, the mirror's current value.
     * @param to             the value after.
     * @param timestampNanos the source's timestamp of the transition.
     * @return {@code sequence}.
     * @throws IllegalArgumentException if {@code sequence} is not after the latest or not below
     *                                  {@link #SEQUENCE_LIMIT}, or the chain would break; nothing appended.
     * @throws IllegalStateException    if another thread appends to this mirror.
     * @throws StateBusClosedException  if the mirror is closed, also while waiting.
     */
    public long append(final long sequence, final long from, final long to, final long timestampNanos)
    {
        return producer.append(sequence, from, to, timestampNanos, PublishResult.NO_DEADLINE);
    }

    /**
     * As {@link #append}, in one attempt that never waits and reads no clock (see {@link Mirror#tryAppend}).
     *
     * @param sequence       the source's sequence; after {@link #latestSequence()}.
     * @param from           the value before.
     * @param to             the value after.
     * @param timestampNanos the source's timestamp of the transition.
     * @return true if appended; false if a {@code BLOCK} subscription of the mirror holds it back and nothing
     *     was appended (a loss of more than a ring may already be recorded: {@link #latestSequence()} tells).
     */
    public boolean tryAppend(final long sequence, final long from, final long to, final long timestampNanos)
    {
        return producer.append(sequence, from, to, timestampNanos, PublishResult.NO_WAIT) > 0;
    }

    /**
     * As {@link #append}, waiting at most {@code timeout}.
     *
     * @param sequence       the source's sequence; after {@link #latestSequence()}.
     * @param from           the value before.
     * @param to             the value after.
     * @param timestampNanos the source's timestamp of the transition.
     * @param timeout        how long to wait for a {@code BLOCK} subscription at most.
     * @return true if appended; false if the wait timed out and nothing was appended.
     * @throws InterruptedException if interrupted while waiting; nothing appended.
     */
    public boolean tryAppend(
        final long sequence, final long from, final long to, final long timestampNanos, final Duration timeout)
        throws InterruptedException
    {
        Objects.requireNonNull(timeout, "timeout must not be null");
        final long result = producer.append(sequence, from, to, timestampNanos, Deadlines.of(timeout));
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

    /** Closes the mirror's bus (see {@link LongStateBus#close()}). */
    @Override
    public void close()
    {
        bus.close();
    }

    @Override
    public String toString()
    {
        return "LongMirror{latest=" + latestSequence() + ", lost=" + lost() + ", bus=" + bus + "}";
    }
}
