package io.statebus.aeron;

import io.statebus.MirrorRun;
import org.agrona.DirectBuffer;

/**
 * A received run of transitions of a bus of states, read in place in the term buffer as the core's
 * {@link MirrorRun}: transition {@code i} at {@link WireFormat#entryOffset}{@code (offset, i)} (the fixed part's is
 * transition 0: its sequence, timestamp and ids have an entry's layout at byte 24). The ids are the indices among
 * the mirror bus's states, which the {@link StateTable} built in its own order; the core stops a run at any it does
 * not hold, and the one-by-one path refuses it. Nothing allocated; the receiver's duty-cycle thread only.
 *
 * @param <S> the state type.
 */
final class RunView<S> implements MirrorRun<S>
{
    private DirectBuffer buffer;
    private int offset;

    /** Reads the message at {@code offset} of {@code buffer} from now on. */
    void wrap(final DirectBuffer buffer, final int offset)
    {
        this.buffer = buffer;
        this.offset = offset;
    }

    @Override
    public long sequence(final int index)
    {
        return WireFields.entrySequence(buffer, WireFormat.entryOffset(offset, index));
    }

    @Override
    public long timestampNanos(final int index)
    {
        return WireFields.entryTimestamp(buffer, WireFormat.entryOffset(offset, index));
    }

    /** @return the from id: the index among the mirror bus's states, as the table built it (the core checks it). */
    @Override
    public int fromIndex(final int index)
    {
        return WireFields.fromId(WireFields.entryStates(buffer, WireFormat.entryOffset(offset, index)));
    }

    @Override
    public int toIndex(final int index)
    {
        return WireFields.toId(WireFields.entryStates(buffer, WireFormat.entryOffset(offset, index)));
    }
}
