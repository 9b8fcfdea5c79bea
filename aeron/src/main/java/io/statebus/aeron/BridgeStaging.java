package io.statebus.aeron;

import io.statebus.StateBusClosedException;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import static io.statebus.aeron.WireFormat.ENTRY_LENGTH;
import static io.statebus.aeron.WireFormat.ENTRY_SEQUENCE_OFFSET;
import static io.statebus.aeron.WireFormat.ENTRY_STATES_OFFSET;
import static io.statebus.aeron.WireFormat.ENTRY_TIMESTAMP_OFFSET;
import static io.statebus.aeron.WireFormat.ORDER;

/**
 * A bridge's way from the source bus to the publication: each duty cycle polls at most {@code batchLimit} transitions
 * from the bridge's {@link BridgeSource} and stages them as a run's entries lie on the wire, so the
 * {@link TransitionSender} sends them in runs, several transitions per message (smart batching: see
 * {@link WireFormat}), each run one copy of the staged bytes: a bus of states's as {@link WireFormat#ENTRY_LENGTH}
 * bytes each (sequence, timestamp, ids), a long or keyed bus's as {@link ExtendedRun#ENTRY_LENGTH} (sequence,
 * timestamp, then the values, or the ids and the key). The sender sends what is staged in order, settling a refusal
 * (back-pressure, not connected, closed); it stays staged until sent or dropped. Duty-cycle thread only.
 */
final class BridgeStaging
{
    private final BridgeSource source;
    private final BridgeOutbox outbox;
    private final int batchLimit;
    private final int kind;
    // each staged transition as its run's entry on the wire: a run is one copy from here
    private final UnsafeBuffer entries;
    private final int entryLength;
    private int head;
    private int count;
    private boolean busEnded;

    BridgeStaging(final BridgeSource source, final BridgeOutbox outbox, final int batchLimit)
    {
        this.source = source;
        this.outbox = outbox;
        this.batchLimit = batchLimit;
        this.kind = outbox.kind();
        this.entryLength = ExtendedRun.isExtended(kind) ? ExtendedRun.ENTRY_LENGTH : ENTRY_LENGTH;
        this.entries = new UnsafeBuffer(new byte[batchLimit * entryLength]);
    }

    /**
     * Polls the next batch, once everything staged before was sent or dropped.
     *
     * @return the transitions staged.
     * @throws StateBusClosedException if the subscription was closed under the bridge while the bus is open.
     */
    int takeFromBus()
    {
        if (count != 0 || busEnded)
        {
            return 0;
        }
        try
        {
            return source.poll(this, batchLimit);
        }
        catch (final StateBusClosedException ex)
        {
            if (!source.bus().isClosed())
            {
                throw ex; // the subscription was closed under the bridge: a failure, not the end of the source
            }
            busEnded = true;
            return 0;
        }
    }

    /** Stages one polled transition of a bus of states: sequence, timestamp and the word of its ids. */
    void takeStates(final long seq, final long time, final int from, final int to)
    {
        final int entry = count++ * ENTRY_LENGTH;
        entries.putLong(entry + ENTRY_SEQUENCE_OFFSET, seq, ORDER);
        entries.putLong(entry + ENTRY_TIMESTAMP_OFFSET, time, ORDER);
        entries.putLong(entry + ENTRY_STATES_OFFSET, WireWords.states(from, to, 0), ORDER);
    }

    /**
     * Stages one polled transition of a long or keyed bus ({@link ExtendedRun}): sequence, timestamp, then a long
     * bus's from and to values, or a keyed bus's word of ids ({@link WireWords#states}) and key.
     */
    void takeExtended(final long seq, final long time, final long third, final long fourth)
    {
        final int entry = count++ * ExtendedRun.ENTRY_LENGTH;
        entries.putLong(entry + ENTRY_SEQUENCE_OFFSET, seq, ORDER);
        entries.putLong(entry + ENTRY_TIMESTAMP_OFFSET, time, ORDER);
        entries.putLong(entry + ExtendedRun.THIRD_OFFSET, third, ORDER);
        entries.putLong(entry + ExtendedRun.FOURTH_OFFSET, fourth, ORDER);
    }

    /** @return true if a staged transition waits to be sent. */
    boolean hasNext()
    {
        return head < count;
    }

    /** @return the staged transitions still to send. */
    int remaining()
    {
        return count - head;
    }

    long sequence()
    {
        return sequence(0);
    }

    /** @return the sequence of the {@code i}-th staged transition from the head (a run's). */
    long sequence(final int i)
    {
        return entries.getLong((head + i) * entryLength + ENTRY_SEQUENCE_OFFSET, ORDER);
    }

    long timestamp(final int i)
    {
        return entries.getLong((head + i) * entryLength + ENTRY_TIMESTAMP_OFFSET, ORDER);
    }

    /** @return the word of from and to ids of the {@code i}-th staged transition from the head (a long bus's: 0). */
    long statesWord(final int i)
    {
        return kind == WireFormat.LONGS ? 0 : entries.getLong((head + i) * entryLength + ENTRY_STATES_OFFSET, ORDER);
    }

    int fromId(final int i)
    {
        return (int)statesWord(i) & 0xFFFF;
    }

    int toId(final int i)
    {
        return (int)(statesWord(i) >>> 16) & 0xFFFF;
    }

    /** @return the extension's first long of the {@code i}-th staged: a long bus's from value, a keyed bus's key. */
    long first(final int i)
    {
        final int at = (head + i) * entryLength;
        return kind == WireFormat.LONGS ? entries.getLong(at + ExtendedRun.THIRD_OFFSET, ORDER) :
            kind == WireFormat.KEYED ? entries.getLong(at + ExtendedRun.FOURTH_OFFSET, ORDER) : 0;
    }

    /** @return the extension's second long of the {@code i}-th staged: a long bus's to value. */
    long second(final int i)
    {
        return kind == WireFormat.LONGS ?
            entries.getLong((head + i) * entryLength + ExtendedRun.FOURTH_OFFSET, ORDER) : 0;
    }

    /** Copies {@code count} staged transitions from the {@code from}-th after the head, as a run's entries. */
    void copyEntries(final MutableDirectBuffer buffer, final int offset, final int from, final int count)
    {
        buffer.putBytes(offset, entries, (head + from) * entryLength, count * entryLength);
    }

    /** Tells {@code snapshots} the last transition sent or dropped: the one before the head (one was, if head > 0). */
    void tellLatest(final SnapshotSender snapshots)
    {
        if (head > 0)
        {
            snapshots.latest(sequence(-1), timestamp(-1), fromId(-1), toId(-1), first(-1), second(-1));
        }
    }

    /** The {@code sent} transitions from the head were sent (or one was dropped). */
    void advance(final int sent)
    {
        head += sent;
    }

    /** After a flush: an area sent or dropped to the end is empty again, ready for the next batch. */
    void resetIfDrained()
    {
        if (head == count)
        {
            head = 0;
            count = 0;
        }
    }

    /** @return where it sends: a keyed source sends its retirements there before the transitions after them. */
    BridgeOutbox outbox()
    {
        return outbox;
    }

    /** @return true once the source bus is closed and every transition it published was staged. */
    boolean busEnded()
    {
        return busEnded;
    }

    /** @return true if nothing is staged. */
    boolean isEmpty()
    {
        return count == 0;
    }
}
