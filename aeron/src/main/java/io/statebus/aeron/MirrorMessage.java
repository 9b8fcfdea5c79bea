package io.statebus.aeron;

import io.statebus.Mirror;
import org.agrona.DirectBuffer;

/**
 * One message for a mirrored bus, decoded and checked against the mirror's {@link StateTable}: the same count of
 * states, the same names in the same order (the fingerprint), state ids inside the table, a sequence a mirror can
 * apply. The states are checked first: no id is read from a stream whose states are not the mirror's. A reusable
 * flyweight: {@link #decode} fills it in place, nothing is allocated per message. Written by the receiver's
 * duty-cycle thread; what a refusal saw is read by any.
 *
 * @param <S> the state type.
 */
final class MirrorMessage<S>
{
    private final StateTable<S> states;
    // what the source sent when its messages were refused for their states: single writer (the duty cycle),
    // volatile for the thread in awaitBus and for the getters
    private volatile int refusedStateCount = -1;
    private volatile long refusedStateNames = -1;

    private byte type;
    private short flags;
    private long stateWord; // the fixed part's bytes 40-47: its transition's ids, the names
    private long session;
    private long sequence;
    private long timestamp;
    private S from;
    private S to;
    private boolean fromUnknown;

    MirrorMessage(final StateTable<S> states)
    {
        this.states = states;
    }

    /**
     * Decodes the parts of a message that {@link WireFormat#check} passed that hold for all its transitions: the
     * count and names of the states, the type, the session. Its first two words the receiver read.
     *
     * @return null if the mirror may read its transitions, else why not.
     */
    MalformedReason decodeHead(final DirectBuffer buffer, final int offset, final long head, final long ids)
    {
        final int count = WireFields.stateCount(ids);
        if (count != states.size())
        {
            refusedStateCount = count;
            return MalformedReason.STATE_COUNT;
        }
        stateWord = WireFields.states(buffer, offset); // from, to and the names: one read
        final int names = WireFields.stateNames(stateWord);
        if (names != states.fingerprint())
        {
            refusedStateNames = Integer.toUnsignedLong(names);
            return MalformedReason.STATE_NAMES;
        }
        type = WireFields.type(head);
        flags = WireFields.flags(head);
        session = WireFields.session(buffer, offset);
        return null;
    }

    /**
     * Decodes the transition in the fixed part of the message whose head {@link #decodeHead} passed.
     *
     * @return null if the mirror may apply it, else why not (then the fields are not all set).
     */
    MalformedReason decodeFirst(final DirectBuffer buffer, final int offset)
    {
        sequence = WireFields.sequence(buffer, offset);
        // at or past a mirror's limit: refused here, rather than fail inside the poll when the mirror is built
        if (sequence < 0 || sequence >= Mirror.SEQUENCE_LIMIT || (sequence == 0 && type == WireFormat.TRANSITION))
        {
            return MalformedReason.SEQUENCE;
        }
        timestamp = WireFields.timestamp(buffer, offset);
        fromUnknown = type == WireFormat.SNAPSHOT && (flags & WireFormat.FLAG_FROM_UNKNOWN) != 0;
        return states(WireFields.fromId(stateWord), WireFields.toId(stateWord));
    }

    /**
     * Decodes one further transition of a run: the entry at {@code entryOffset}.
     *
     * @return null if the mirror may apply it, else why not.
     */
    MalformedReason decodeEntry(final DirectBuffer buffer, final int entryOffset)
    {
        sequence = WireFields.entrySequence(buffer, entryOffset);
        if (sequence <= 0 || sequence >= Mirror.SEQUENCE_LIMIT)
        {
            return MalformedReason.SEQUENCE;
        }
        timestamp = WireFields.entryTimestamp(buffer, entryOffset);
        fromUnknown = false;
        final int ids = WireFields.entryStates(buffer, entryOffset);
        return states(WireFields.fromId(ids), WireFields.toId(ids));
    }

    private MalformedReason states(final int fromId, final int toId)
    {
        final int count = states.size();
        if (fromId >= count || toId >= count) // unsigned 16-bit ids: never negative
        {
            return MalformedReason.STATE_ID;
        }
        to = states.stateOf(toId);
        from = fromUnknown ? to : states.stateOf(fromId);
        return null;
    }

    /** @return the type of the message whose head {@link #decodeHead} passed. */
    byte type()
    {
        return type;
    }

    long session()
    {
        return session;
    }

    long sequence()
    {
        return sequence;
    }

    long timestamp()
    {
        return timestamp;
    }

    S from()
    {
        return from;
    }

    S to()
    {
        return to;
    }

    /** @return true for a bridge's join point: a snapshot whose {@code from} the bridge never saw. */
    boolean fromUnknown()
    {
        return fromUnknown;
    }

    /** @return the count of states the source sends, if a message was refused for it; else -1. */
    int refusedStateCount()
    {
        return refusedStateCount;
    }

    /**
     * @return why the source's messages are refused, for {@code awaitBus}'s exception: another count of states, other
     *     state names, or (neither seen) nothing received yet.
     */
    String whyRefused()
    {
        final int count = refusedStateCount;
        final long names = refusedStateNames;
        if (count >= 0)
        {
            return ": the source sends " + count + " states, this mirror's table has " + states.size() +
                " (its messages are refused)";
        }
        if (names >= 0)
        {
            return ": the source's " + states.size() + " states have other names, or another order, than this " +
                "mirror's table (state-name fingerprint " + String.format("%08x", names) + ", this mirror's " +
                String.format("%08x", states.fingerprint()) + "; its messages are refused)";
        }
        return ": nothing received from a source yet";
    }

    /** @return the state-name fingerprint the source sends (unsigned), if a message was refused for it; else -1. */
    long refusedStateNames()
    {
        return refusedStateNames;
    }
}
