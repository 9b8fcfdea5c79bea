package io.statebus.aeron;

import io.statebus.KeyedStateBus;
import org.agrona.DirectBuffer;

/**
 * What a keyed mirror checks of every message before it applies one: the kind, the states' count and names, the
 * ids, the sequence, and a retirement's own fields; a transition's ids and sequence as each of a run is applied.
 */
final class KeyedMessageCheck
{
    private KeyedMessageCheck()
    {
    }

    /**
     * @param states the mirror's states.
     * @param buffer the message.
     * @param offset where it starts.
     * @param head   its first word (magic, version, type, flags).
     * @param ids    its word of bus id, state count and key length.
     * @return why the message may not be applied, or null if it may.
     */
    static MalformedReason check(
        final StateTable<?> states, final DirectBuffer buffer, final int offset, final long head, final long ids)
    {
        if (WireFormat.kindOf(WireFields.type(head)) != WireFormat.KEYED)
        {
            return MalformedReason.KIND;
        }
        final long stateWord = WireFields.states(buffer, offset);
        if (WireFields.stateCount(ids) != states.size())
        {
            return MalformedReason.STATE_COUNT;
        }
        if (WireFields.stateNames(stateWord) != states.fingerprint())
        {
            return MalformedReason.STATE_NAMES;
        }
        final byte type = WireFields.type(head);
        if (type == WireFormat.KEYED_TRANSITION)
        {
            return null; // a transition, or each of a run, is checked as it is applied: checkTransition
        }
        if (WireFields.fromId(stateWord) >= states.size() || WireFields.toId(stateWord) >= states.size() ||
            (type == WireFormat.KEYED_SNAPSHOT && !KeyedSnapshotPage.idsWithin(buffer, offset,
                KeyedSnapshotPage.count(WireFields.extensionLength(ids)), states.size())))
        {
            return MalformedReason.STATE_ID;
        }
        final long sequence = WireFields.sequence(buffer, offset);
        if (type == WireFormat.KEYED_RETIRE && (WireFields.fromId(stateWord) != WireFields.toId(stateWord) ||
            WireFields.timestamp(buffer, offset) < sequence))
        {
            return WireFields.fromId(stateWord) != WireFields.toId(stateWord) ? MalformedReason.STATE_ID :
                MalformedReason.SEQUENCE; // retired as of a position before the key's own transition
        }
        // at or past the keyed bus's limit: refused here, rather than fail inside the poll when the mirror is built
        return sequence < 0 || sequence >= KeyedStateBus.SEQUENCE_LIMIT ? MalformedReason.SEQUENCE : null;
    }

    /**
     * What a keyed mirror checks of each transition of a {@link WireFormat#KEYED_TRANSITION} message (one, or each of
     * a run) before it appends it: its ids within the table, its sequence above 0 and below the bus's limit.
     *
     * @return why the transition may not be applied, or null if it may.
     */
    static MalformedReason checkTransition(final StateTable<?> states, final long sequence, final int fromId,
        final int toId)
    {
        if (fromId >= states.size() || toId >= states.size())
        {
            return MalformedReason.STATE_ID;
        }
        return sequence <= 0 || sequence >= KeyedStateBus.SEQUENCE_LIMIT ? MalformedReason.SEQUENCE : null;
    }
}
