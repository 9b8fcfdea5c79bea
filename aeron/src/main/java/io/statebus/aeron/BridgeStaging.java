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
 * from the bridge's {@link BridgeSource}, each as two state ids and two longs (a long bus's values, a keyed bus's
 * key). A bus of states's batch is staged as a run's entries are laid out on the wire (sequence, timestamp, ids:
 * {@link WireFormat#ENTRY_LENGTH} bytes each), so the {@link TransitionSender} sends it in runs, several transitions
 * per message (smart batching: see {@link WireFormat}), each run one copy of the staged bytes. A long or keyed
 * bus's transitions, one per message, are written straight into their claimed messages as they are polled while the
 * publication is connected and nothing is staged (one copy, not two); from the first one the publication refuses,
 * the rest of the batch is staged. The sender sends what is staged in order, settling a refusal (back-pressure, not
 * connected, closed); it stays staged until sent or dropped. Duty-cycle thread only.
 */
final class BridgeStaging
{
    private final BridgeSource source;
    private final BridgeOutbox outbox;
    private final int batchLimit;
    // each staged transition's sequence, timestamp and ids, as a run's entry on the wire: a run is one copy from here
    private final UnsafeBuffer entries;
    private final long[] first;
    private final long[] second;
    private int head;
    private int count;
    private boolean busEnded;
    // this cycle's poll sends straight to the publication (connected, nothing staged) until the first refusal
    private boolean direct;
    private int sentDirect;
    // the last transition sent straight: what the next snapshot carries if nothing staged is sent after it
    private long lastSequence;
    private long lastTimestamp;
    private int lastFromId;
    private int lastToId;
    private long lastFirst;
    private long lastSecond;

    BridgeStaging(final BridgeSource source, final BridgeOutbox outbox, final int batchLimit)
    {
        this.source = source;
        this.outbox = outbox;
        this.batchLimit = batchLimit;
        this.entries = new UnsafeBuffer(new byte[batchLimit * ENTRY_LENGTH]);
        this.first = new long[batchLimit];
        this.second = new long[batchLimit];
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
        // a claim within the window succeeds even with no subscriber: send straight only to a connected publication,
        // so that the send loop counts and tells drops
        direct = outbox.maxRun() == 1 && outbox.isConnected(); // runs are written from the staging area
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

    /** Sends one polled transition straight to the publication, or (after a refusal in this batch) stages it. */
    void take(final long seq, final long time, final int from, final int to, final long a, final long b)
    {
        if (direct)
        {
            if (outbox.offer(false, (short)0, seq, time, from, to, a, b) > 0)
            {
                sentDirect++;
                lastSequence = seq;
                lastTimestamp = time;
                lastFromId = from;
                lastToId = to;
                lastFirst = a;
                lastSecond = b;
                return;
            }
            direct = false; // refused: this one and the rest of the batch are staged, in order
        }
        final int i = count++;
        stage(i, seq, time, from, to);
        first[i] = a;
        second[i] = b;
    }

    /**
     * Stages one polled transition of a bus of states: its runs are written from here (see
     * {@link BridgeOutbox#offerRun}), so nothing goes straight, and its extension longs stay 0.
     */
    void takeStates(final long seq, final long time, final int from, final int to)
    {
        stage(count++, seq, time, from, to);
    }

    private void stage(final int i, final long seq, final long time, final int from, final int to)
    {
        final int entry = i * ENTRY_LENGTH;
        entries.putLong(entry + ENTRY_SEQUENCE_OFFSET, seq, ORDER);
        entries.putLong(entry + ENTRY_TIMESTAMP_OFFSET, time, ORDER);
        entries.putLong(entry + ENTRY_STATES_OFFSET, WireWords.states(from, to, 0), ORDER);
    }

    /** @return the transitions this cycle's poll sent straight to the publication; counts them once. */
    int takeSentDirect()
    {
        final int sent = sentDirect;
        sentDirect = 0;
        return sent;
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

    long timestamp()
    {
        return timestamp(0);
    }

    int fromId()
    {
        return fromId(0);
    }

    int toId()
    {
        return toId(0);
    }

    /** @return the sequence of the {@code i}-th staged transition from the head (a run's). */
    long sequence(final int i)
    {
        return entries.getLong((head + i) * ENTRY_LENGTH + ENTRY_SEQUENCE_OFFSET, ORDER);
    }

    long timestamp(final int i)
    {
        return entries.getLong((head + i) * ENTRY_LENGTH + ENTRY_TIMESTAMP_OFFSET, ORDER);
    }

    /** @return the word of from and to ids of the {@code i}-th staged transition from the head, as an entry has it. */
    long statesWord(final int i)
    {
        return entries.getLong((head + i) * ENTRY_LENGTH + ENTRY_STATES_OFFSET, ORDER);
    }

    int fromId(final int i)
    {
        return (int)statesWord(i) & 0xFFFF;
    }

    int toId(final int i)
    {
        return (int)(statesWord(i) >>> 16) & 0xFFFF;
    }

    /** Copies the {@code count} staged transitions from the head, as a run's entries, to {@code buffer}. */
    void copyEntries(final MutableDirectBuffer buffer, final int offset, final int count)
    {
        buffer.putBytes(offset, entries, head * ENTRY_LENGTH, count * ENTRY_LENGTH);
    }

    long first()
    {
        return first[head];
    }

    long second()
    {
        return second[head];
    }

    /**
     * Tells {@code snapshots} the last transition sent or dropped: the one before the head if a staged one was, else
     * the last one sent straight (those are always older than the staged ones).
     */
    void tellLatest(final SnapshotSender snapshots)
    {
        if (head > 0)
        {
            snapshots.latest(sequence(-1), timestamp(-1), fromId(-1), toId(-1), first[head - 1], second[head - 1]);
        }
        else
        {
            snapshots.latest(lastSequence, lastTimestamp, lastFromId, lastToId, lastFirst, lastSecond);
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
