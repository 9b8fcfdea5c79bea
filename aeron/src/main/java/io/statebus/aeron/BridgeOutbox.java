package io.statebus.aeron;

import io.aeron.Publication;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.MutableDirectBuffer;

import java.security.SecureRandom;

/**
 * A bridge's way into its publication: claims one message of its kind of bus ({@link WireFormat#lengthOf}) with
 * {@code tryClaim}, writes it in place with the fields every message of this bridge repeats (bus id, state count and
 * names, session), and commits it. The session is random, picked when the bridge is built: a restarted source (a new
 * bridge) has a new one, which mirrors detect. Nothing is allocated per message. Duty-cycle thread only.
 */
final class BridgeOutbox
{
    private final Publication publication;
    private final BufferClaim claim = new BufferClaim();
    private final int busId;
    private final int kind;
    private final int length;
    private final byte transitionType;
    private final byte snapshotType;
    private final long transitionHead; // a transition's first word: the one this bridge writes most
    private final long ids; // every message's second word: bus id, state count, extension length
    private final long stateNames; // the state names, where the third word of states has them (bits 32-63)
    private final long session;
    private final int maxRun;
    private final int maxPage;
    private int pageEnd; // the slot after the last page's last key

    /**
     * @param kind   the kind of bus ({@link WireFormat#STATES}, {@link WireFormat#LONGS}, {@link WireFormat#KEYED}).
     * @param states its states; null for a long bus (count and fingerprint 0).
     */
    BridgeOutbox(final Publication publication, final int busId, final int kind, final StateTable<?> states)
    {
        this.publication = publication;
        this.busId = busId;
        this.kind = kind;
        this.length = WireFormat.lengthOf(kind);
        this.transitionType = WireFormat.typeOf(kind, false);
        this.snapshotType = WireFormat.typeOf(kind, true);
        this.transitionHead = WireWords.head(transitionType, (short)0);
        this.ids = WireWords.ids(busId, states == null ? 0 : states.size(), length - WireFormat.LENGTH);
        this.stateNames = WireWords.states(0, 0, states == null ? 0 : states.fingerprint());
        this.session = newSession();
        final int fits = (publication.maxPayloadLength() - WireFormat.LENGTH) / WireFormat.ENTRY_LENGTH + 1;
        this.maxRun = ExtendedRun.isExtended(kind) ? ExtendedRun.fits(kind, publication.maxPayloadLength()) :
            Math.max(1, Math.min(WireFormat.MAX_RUN, fits));
        this.maxPage = KeyedSnapshotPage.fits(publication.maxPayloadLength());
    }

    private static long newSession()
    {
        long id;
        do
        {
            id = new SecureRandom().nextLong();
        }
        while (id == 0); // 0 reads as "no session" in the mirror's counters
        return id;
    }

    /**
     * Claims, writes and commits a transition or a latest-transition snapshot of this bridge's kind.
     *
     * @return Aeron's result: positive if the message is in the publication, else why not
     *     ({@code NOT_CONNECTED}, {@code BACK_PRESSURED}, {@code ADMIN_ACTION}, {@code CLOSED}, ...).
     */
    long offer(final boolean snapshot, final short flags, final long sequence, final long timestampNanos,
        final int fromId, final int toId, final long first, final long second)
    {
        return offer(snapshot ? snapshotType : transitionType, flags, sequence, timestampNanos, fromId, toId, first,
            second);
    }

    /** As above, a message of any type of this bridge's kind (a keyed snapshot run's entries and end). */
    long offer(final byte type, final short flags, final long sequence, final long timestampNanos, final int fromId,
        final int toId, final long first, final long second)
    {
        final long result = publication.tryClaim(length, claim);
        if (result > 0)
        {
            final long head = type == transitionType && flags == 0 ? transitionHead : WireWords.head(type, flags);
            final MutableDirectBuffer buffer = claim.buffer();
            final int offset = claim.offset();
            WireWords.writeFixed(buffer, offset, head, ids, session, sequence, timestampNanos,
                stateNames | WireWords.states(fromId, toId, 0));
            WireWords.writeExtension(buffer, offset, kind, first, second);
            claim.commit(); // Aeron's commit is the release store that lets the subscriber read the whole message
        }
        return result;
    }

    /**
     * Claims, writes and commits one message of the next {@code count} staged transitions: the first in the fixed
     * part, the others as entries (see {@link WireFormat}, {@link ExtendedRun}).
     *
     * @param count from 1 to {@link #maxRun()}, at most what is staged.
     * @return Aeron's result, as {@link #offer}'s.
     */
    long offerRun(final BridgeStaging staging, final int count)
    {
        if (kind != WireFormat.STATES)
        {
            return offerExtendedRun(staging, count);
        }
        final int extension = (count - 1) * WireFormat.ENTRY_LENGTH;
        final long result = publication.tryClaim(WireFormat.LENGTH + extension, claim);
        if (result > 0)
        {
            final MutableDirectBuffer buffer = claim.buffer();
            final int offset = claim.offset();
            // the fixed part ends with the first transition laid out as an entry: the run's entries are one copy
            WireWords.writeHead(buffer, offset, transitionHead, idsWith(extension), session);
            staging.copyEntries(buffer, offset + WireFormat.SEQUENCE_OFFSET, 0, count);
            buffer.putLong(offset + WireFormat.FROM_OFFSET, stateNames | staging.statesWord(0), WireFormat.ORDER);
            claim.commit(); // as in offer: the release store that publishes the whole run
        }
        return result;
    }

    /**
     * As {@link #offerRun}, a long or keyed bus's: the first transition and its extension (values, key) in the fixed
     * part, the rest one copy.
     */
    private long offerExtendedRun(final BridgeStaging staging, final int count)
    {
        final int extension = ExtendedRun.extensionOf(kind, count);
        final long result = publication.tryClaim(WireFormat.LENGTH + extension, claim);
        if (result > 0)
        {
            final MutableDirectBuffer buffer = claim.buffer();
            final int offset = claim.offset();
            WireWords.writeFixed(buffer, offset, transitionHead, idsWith(extension), session, staging.sequence(0),
                staging.timestamp(0), stateNames | staging.statesWord(0)); // a long bus's: 0
            WireWords.writeExtension(buffer, offset, kind, staging.first(0), staging.second(0));
            staging.copyEntries(buffer, ExtendedRun.entryOffset(kind, offset, 1), 1, count - 1);
            claim.commit(); // as in offer: the release store that publishes the whole run
        }
        return result;
    }

    /**
     * Claims, writes and commits one page of a keyed snapshot run ({@link KeyedSnapshotPage}): the first
     * {@code count} keys of {@code shadow} in slot order from {@code fromSlot}.
     *
     * @param index the run's index of the page's first entry.
     * @param count from 1 to {@link #maxPage()}, at most the keys the shadow holds from {@code fromSlot} on.
     *              {@link #pageEnd()} then says where the page's keys ended.
     * @return Aeron's result, as {@link #offer}'s.
     */
    long offerPage(final short flags, final long sequence, final int index, final KeyShadow shadow,
        final int fromSlot, final int count)
    {
        final long result = publication.tryClaim(WireFormat.LENGTH + KeyedSnapshotPage.extensionOf(count), claim);
        if (result > 0)
        {
            final MutableDirectBuffer buffer = claim.buffer();
            final int offset = claim.offset();
            int slot = fromSlot;
            while (!shadow.isUsed(slot))
            {
                slot++;
            }
            writePageHead(buffer, offset, flags, sequence, index, count, shadow.keyAt(slot), shadow.stateAt(slot));
            for (int i = 1; i < count; )
            {
                if (shadow.isUsed(++slot))
                {
                    KeyedSnapshotPage.putEntry(buffer, offset, i++, shadow.keyAt(slot), shadow.stateAt(slot));
                }
            }
            pageEnd = slot + 1;
            claim.commit(); // as in offer: the release store that publishes the whole page
        }
        return result;
    }

    /** The fixed part of a page, which carries its first entry (index at the timestamp's place, key at 48). */
    private void writePageHead(final MutableDirectBuffer buffer, final int offset, final short flags,
        final long sequence, final int index, final int count, final long key, final int state)
    {
        WireWords.writeFixed(buffer, offset, WireWords.head(WireFormat.KEYED_SNAPSHOT, flags),
            idsWith(KeyedSnapshotPage.extensionOf(count)), session, sequence, index,
            stateNames | WireWords.states(state, state, 0));
        buffer.putLong(offset + WireFormat.FIRST_LONG_OFFSET, key, WireFormat.ORDER);
    }

    /** @return this bridge's second word (bus id, state count) with another extension length than its kind's. */
    private long idsWith(final int extension)
    {
        return (ids & 0x0000_FFFF_FFFF_FFFFL) | (long)extension << 48;
    }

    /** @return the slot after the last key of the page {@link #offerPage} last sent. */
    int pageEnd()
    {
        return pageEnd;
    }

    /** @return the most keys one page of a keyed snapshot run carries in this publication. */
    int maxPage()
    {
        return maxPage;
    }

    /**
     * @return the most transitions one message carries: a run as long as one claim of the publication holds (and
     *     its 16-bit extension length).
     */
    int maxRun()
    {
        return maxRun;
    }

    int kind()
    {
        return kind;
    }

    boolean isConnected()
    {
        return publication.isConnected();
    }

    boolean isClosed()
    {
        return publication.isClosed();
    }

    int busId()
    {
        return busId;
    }

    long session()
    {
        return session;
    }
}
