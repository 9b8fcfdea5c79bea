package io.statebus.read;

import io.statebus.TransitionHandler;
import io.statebus.ring.RingArrays;
import io.statebus.ring.SlotWord;
import io.statebus.ring.TransitionRing;


/**
 * How a {@code BLOCK} reader reads: its gate keeps the producer off every slot it has not consumed, so the slot
 * holds the transition. The only way the gate goes early is a close from another thread, after which the producer
 * may overwrite: a slot whose tag is not the sequence read ({@link SlotWord#isOf}) shows that, and ends the
 * batch. A close is also seen by the lifecycle word: plainly per transition (a handler that closes its own
 * subscription gets nothing after that), and with an opaque read every {@value #STATUS_EVERY} transitions (a close
 * from another thread; for promptness only: the tag is what makes every delivered copy right, and an opaque read
 * per transition costs as much as the rest of the loop, as no load may move across it).
 *
 * <p>On a mirror's bus, sequences its source published but it never received ({@link SlotWord#isLostAt}) are
 * skipped and reported as one gap, as a {@code GAP} reader's lapped range is.
 */
final class GatedRead
{
    /** How many transitions a batch delivers between two looks at the lifecycle word. */
    static final int STATUS_EVERY = 64;

    private GatedRead()
    {
    }

    static <S> int deliver(final Reader<S> reader, final TransitionHandler<S> handler, final long next, final long end)
    {
        int delivered = deliverRun(reader, handler, next, end);
        // only a mirror's lost sequences stop a run short of its end without ending the reader: go on after them
        long from = next;
        long after = reader.sequence.get() + 1;
        while (reader.pendingGapFirst >= 0 && after > from && after <= end && !reader.isEndedNow())
        {
            from = after;
            delivered += deliverRun(reader, handler, from, end);
            after = reader.sequence.get() + 1;
        }
        return delivered;
    }

    private static <S> int deliverRun(
        final Reader<S> reader, final TransitionHandler<S> handler, final long next, final long end)
    {
        final TransitionView<S> view = reader.view();
        try
        {
            if (reader.pendingGapFirst >= 0 && next <= end && !noticeGiven(reader, handler, view, next))
            {
                return 0;
            }
        }
        catch (final Throwable ex)
        {
            reader.failed(ex, next, 0);
            throw ex;
        }
        final TransitionRing ring = reader.ring;
        // for life: two loops, one for a slot that is its word alone (no timestamps, no values), kept small
        return ring.isStamped() || ring.hasValues() || ring.hasReferences() ?
            copyRun(reader, handler, view, next, end) : wordRun(reader, handler, view, next, end);
    }

    /**
     * Slots that are their word alone: one plain load each. In runs of {@value #STATUS_EVERY}, the lifecycle word's
     * opaque read between them: no load may move across an opaque read, so inside a run the JIT keeps the ring's
     * arrays and whatever the handler reads in registers.
     */
    private static <S> int wordRun(
        final Reader<S> reader, final TransitionHandler<S> handler, final TransitionView<S> view, final long next,
        final long end)
    {
        final long[] slots = reader.ring.arrays().slots; // a state bus's slot is its word alone: index is the slot
        final int mask = slots.length - 1;
        long s = next;
        try
        {
            while (s <= end)
            {
                if (reader.isEndedNow())
                {
                    return stopAt(reader, s, next, slots[(int)s & mask]);
                }
                final long runEnd = Math.min(end, s + STATUS_EVERY - 1);
                for (; s <= runEnd; s++)
                {
                    final long word = slots[(int)s & mask]; // plain: the gate keeps the producer off it while open
                    if (!SlotWord.isOf(word, s) || reader.isEndedHere())
                    {
                        return stopAt(reader, s, next, word);
                    }
                    view.sequence = s;
                    view.word = word;
                    handler.onTransition(view, s == end);
                }
            }
        }
        catch (final Throwable ex)
        {
            reader.failed(ex, s, s - next);
            throw ex;
        }
        reader.consumed(s - 1, s - next);
        return (int)(s - next);
    }

    /**
     * Slots with more beside the word, copied and kept only if the word is unchanged after (a close from another
     * thread lets the producer overwrite). The ring's arrays in locals: each slot's load-load fence then reloads
     * only the slot, not the ring's fields.
     */
    private static <S> int copyRun(
        final Reader<S> reader, final TransitionHandler<S> handler, final TransitionView<S> view, final long next,
        final long end)
    {
        final RingArrays arrays = reader.ring.arrays();
        final long[] slots = arrays.slots;
        final long[] times = arrays.times;
        final long[] values = arrays.values;
        final Object[] references = arrays.references;
        final int shift = arrays.shift;
        long s = next;
        view.batchEnd = end; // a key filter's look-ahead stops there (a keyed ring's slots carry keys: never a wordRun)
        try
        {
            while (s <= end)
            {
                if (reader.isEndedNow()) // between runs, as in wordRun
                {
                    return stopAt(reader, s, next, slots[RingArrays.index(slots, shift, s)]);
                }
                final long runEnd = Math.min(end, s + STATUS_EVERY - 1);
                for (; s <= runEnd; s++)
                {
                    final int index = RingArrays.index(slots, shift, s);
                    final long word = slots[index]; // plain, as in wordRun
                    if (!SlotWord.isOf(word, s) || reader.isEndedHere() ||
                        !SlotCopy.besideWord(slots, times, values, references, index, view, word))
                    {
                        return stopAt(reader, s, next, word);
                    }
                    view.sequence = s;
                    view.word = word;
                    handler.onTransition(view, s == end);
                }
            }
        }
        catch (final Throwable ex)
        {
            reader.failed(ex, s, s - next);
            throw ex;
        }
        reader.consumed(s - 1, s - next);
        return (int)(s - next);
    }

    /**
     * The run stops short at {@code s}, not consumed: a mirror's lost sequence is skipped as a gap (the caller goes
     * on after it); anything else (closed by another thread, its gate gone) ends the batch.
     */
    private static int stopAt(final Reader<?> reader, final long s, final long next, final long word)
    {
        reader.consumed(s - 1, s - next);
        if (SlotWord.isLostAt(word, s) && !reader.isEndedNow())
        {
            reader.skipLost(s, word);
        }
        return (int)(s - next);
    }

    /**
     * A replay lapped at its very end, or lost sequences: the notice is due before the transition at {@code next},
     * whose {@code from} it resumes from (copied into the view, validated, first).
     *
     * @return false if there is nothing more to deliver: closed, or closed by another thread and lapped since.
     */
    private static <S> boolean noticeGiven(
        final Reader<S> reader, final TransitionHandler<S> handler, final TransitionView<S> view, final long next)
    {
        final TransitionRing ring = reader.ring;
        final long first = ring.wordRacing(next);
        if (reader.isEndedNow() || (!SlotWord.isOf(first, next) && !SlotWord.isLostAt(first, next)))
        {
            return false;
        }
        if (SlotWord.isOf(first, next))
        {
            final RingArrays a = ring.arrays();
            final int index = RingArrays.index(a.slots, a.shift, next);
            if (!SlotCopy.besideWord(a.slots, a.times, a.values, a.references, index, view, first))
            {
                return false;
            }
            reader.notifyGap(handler, next, SlotWord.fromId(first));
        }
        return true;
    }
}
