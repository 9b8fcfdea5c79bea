package io.statebus.read;

import io.statebus.Policy;
import io.statebus.TransitionHandler;
import io.statebus.ring.RingArrays;
import io.statebus.ring.SlotWord;

/**
 * How a {@code GAP} reader (and any replay) reads: the producer may overwrite a slot at any moment, so each copy
 * is checked by its tag ({@link SlotWord}): one load gives the transition and the proof that it is the one asked
 * for. A slot of a later lap starts a gap: the reader counts what it missed, resumes where the ring may still
 * hold its transitions, and reports the gap once, just before the next transition it delivers.
 *
 * <pre>
 *  1. w = slot[s]                 one load: whole, never torn
 *  2. tag(w) == s ?               yes: deliver (with its timestamp and values, re-checked by re-reading w);
 *                                 no: lapped at s
 *  3. lapped: missed += resume - s; resume = max(s + 1, head - capacity + 1) (CONFLATE: the cursor), but no
 *     further than the reader may read (a pipeline stage: its upstream's position + 1); notice before the next
 *     delivery
 * </pre>
 *
 * <p>On a mirror's bus a sequence its source published but it never received reads as an earlier tag or a
 * lost-marked word ({@link SlotWord#isLostAt}): it is missed in the same way, without counting as a lap.
 */
final class ValidatedRead
{
    /** A reader lapped this many times in one poll gives the thread back rather than chase the producer. */
    private static final int MAX_LAPS_PER_POLL = 16;

    private ValidatedRead()
    {
    }

    /**
     * Delivers {@code next..firstAvailable}, at most {@code limit} transitions, validated; a {@code BLOCK} replay
     * stops at its join point, after which {@link GatedRead} reads.
     *
     * @return how many were delivered.
     */
    static <S> int deliver(
        final Reader<S> reader, final TransitionHandler<S> handler, final long next, final long firstAvailable,
        final int limit)
    {
        final RingArrays arrays = reader.ring.arrays();
        long first = next;
        if (firstAvailable - next >= SlotWord.REACH >> 1)
        {
            // lapped so far that the slot's tag cannot tell (after a mirror's jump of 2^39 it may read as next's own):
            // missed without a look, as the loop below would count it (every word is nearer the cursor than this)
            first = missedFrom(reader, next, firstAvailable, firstAvailable);
        }
        final long last = Math.min(firstAvailable, first + limit - 1);
        return deliverRun(reader, handler, arrays.slots, arrays.times, arrays.values, arrays.references, first, last,
            limit);
    }

    /**
     * The loop: each slot validated by its tag, delivered, or, lapped, skipped as missed. The ring's arrays come in
     * unpacked, so that they live in locals: each slot's load-load fence then reloads only the slot, not the ring's
     * fields. The batch ends at {@code last}; a {@code BLOCK} replay's loop stops at its join point before that,
     * and {@link GatedRead} delivers the rest of the same batch.
     */
    private static <S> int deliverRun(
        final Reader<S> reader, final TransitionHandler<S> handler, final long[] slots, final long[] times,
        final long[] values, final Object[] references, final long next, final long firstLast, final int limit)
    {
        final TransitionView<S> view = reader.view();
        final int shift = reader.ring.arrays().shift;
        final boolean multiWord = reader.ring.isStamped() || values != null || references != null; // for life
        final long stop = stopOf(reader);
        long last = firstLast;
        long end = Math.min(last, stop);
        view.batchEnd = last;
        long s = next;
        int count = 0;
        int laps = 0;
        try
        {
            while (s <= end)
            {
                final int index = RingArrays.index(slots, shift, s);
                final long word = RingArrays.racingWord(slots, index);
                if (!SlotWord.isOf(word, s) ||
                    (multiWord && !SlotCopy.besideWord(slots, times, values, references, index, view, word)))
                {
                    final long cursor = reader.ring.cursor();
                    final long available = reader.available(cursor); // a pipeline stage: no further than upstream
                    laps += SlotWord.isLostAt(word, s) ? 0 : 1; // a mirror's lost sequence: never received, not a lap
                    s = missedFrom(reader, s, Math.max(cursor, SlotWord.sequence(word, s)), available);
                    last = laps > MAX_LAPS_PER_POLL ? s - 1 : Math.min(available, s + (limit - count) - 1);
                    end = Math.min(last, stop);
                    view.batchEnd = last;
                    continue;
                }
                if (reader.isEndedNow() || (reader.pendingGapFirst >= 0 && !noticeGiven(reader, handler, s, word)))
                {
                    break;
                }
                view.sequence = s;
                view.word = word;
                handler.onTransition(view, s == last);
                count++;
                s++;
            }
        }
        catch (final Throwable ex)
        {
            reader.failed(ex, s, count);
            throw ex;
        }
        reader.consumed(s - 1, count);
        return count;
    }

    /** @return the last sequence a validated read may deliver: a {@code BLOCK} replay's join point, else none. */
    private static long stopOf(final Reader<?> reader)
    {
        return reader.policy == Policy.BLOCK ? reader.validateUpTo : Long.MAX_VALUE;
    }

    /**
     * The pending gap notice, just before the transition at {@code s} (its view holds the copy, so the notice
     * resumes from its {@code from}).
     *
     * @return whether the reader is still open: false if the notice's handler closed it, so nothing follows.
     */
    private static <S> boolean noticeGiven(
        final Reader<S> reader, final TransitionHandler<S> handler, final long s, final long word)
    {
        reader.notifyGap(handler, s, SlotWord.fromId(word));
        return !reader.isEndedNow();
    }

    /**
     * Lapped (or a mirror's lost sequence) at {@code s}: counts what was missed, opens a notice if none is pending.
     *
     * @param head      the latest sequence the producer is known to have claimed: the cursor, or the word's if later.
     * @param available the latest sequence this reader may read (a pipeline stage's upstream may hold it below the
     *                  cursor), at or after {@code s}.
     * @return where to resume: the oldest slot the ring may still hold (CONFLATE: the latest transition), but never
     *     past {@code available + 1}: a stage skips no further than its upstream has consumed (the rest, if lapped
     *     too, is found so when it reads there).
     */
    private static long missedFrom(final Reader<?> reader, final long s, final long head, final long available)
    {
        // lapped: the producer has claimed at least a ring past s
        final long oldest = reader.policy == Policy.CONFLATE ? available : head - reader.ring.capacity() + 1;
        final long resume = Math.max(s + 1, Math.min(oldest, available + 1));
        final boolean newGap = reader.pendingGapFirst < 0;
        if (newGap)
        {
            reader.pendingGapFirst = s;
        }
        reader.counters.addMissed(resume - s, newGap);
        return resume;
    }
}
