package io.statebus.read;

import com.lmax.disruptor.Sequence;
import io.statebus.TransitionHandler;
import io.statebus.ring.SlotWord;
import io.statebus.ring.StateIds;
import io.statebus.ring.TransitionRing;

/**
 * What a reader's consuming thread keeps as it reads: its position in the ring ({@link #sequence}, the producer's
 * gate under {@code BLOCK}), the reusable view and gap notice it hands out, the pending gap, and the counters. Both
 * read loops write here; a layer of {@link Reader}, not an object of its own, so they pay no hop for it.
 *
 * @param <S> the state type
 */
abstract class ReaderPosition<S> extends ReaderLifecycle
{
    final TransitionRing ring;
    final StateIds<S> ids;
    /** The last sequence consumed; the producer's gate when the policy is BLOCK. */
    final Sequence sequence;
    final ReaderCounters counters = new ReaderCounters();

    /** Consumer-thread only, allocated by it on first use, so they live in its allocation buffer. */
    TransitionView<S> view;
    GapView<S> gapView;
    /** Consumer-thread only: the first sequence of a gap not yet reported, or -1. */
    long pendingGapFirst = -1;

    ReaderPosition(final TransitionRing ring, final StateIds<S> ids, final Sequence sequence)
    {
        this.ring = ring;
        this.ids = ids;
        this.sequence = sequence;
    }

    TransitionView<S> view()
    {
        final TransitionView<S> existing = view;
        if (existing != null)
        {
            return existing;
        }
        return view = ring.valuesAreStates() ? new ValueTransitionView<>(ids) :
            ring.isKeyed() ? new KeyedTransitionView<>(ids, ring.arrays()) :
            ring.hasReferences() ? new ReferenceTransitionView<>(ids) : new TransitionView<>(ids);
    }

    /**
     * One notice per incident, just before the first transition after it ({@code resumeAt}); on a value bus the
     * caller has copied that transition's {@code from} into the view, validated, first.
     */
    void notifyGap(final TransitionHandler<S> handler, final long resumeAt, final int resumeStateId)
    {
        if (gapView == null)
        {
            gapView = ring.valuesAreStates() ?
                new LongGapView<>(ids) : new GapView<>(ids, false, ring.hasReferences());
        }
        gapView.resumeValue = view().fromValue;
        gapView.resumeReference = view().fromReference;
        gapView.firstMissed = pendingGapFirst;
        gapView.lastMissed = resumeAt - 1;
        gapView.resumeStateId = resumeStateId;
        handler.onGap(gapView);
        pendingGapFirst = -1; // after the call: if it threw, the notice is still pending (see failed)
    }

    /**
     * A handler threw at {@code s}, after {@code deliveredNow} transitions of this call. The transition whose
     * {@code onTransition} threw counts as consumed; if its gap notice threw instead, it was never handed over.
     */
    void failed(final Throwable ex, final long s, final long deliveredNow)
    {
        final boolean inGapNotice = pendingGapFirst >= 0;
        consumed(inGapNotice ? s - 1 : s, inGapNotice ? deliveredNow : deliveredNow + 1);
        fail(ex);
    }

    /**
     * A mirror's bus: {@code s}, published, was never received. Counts it and every later lost sequence the ring
     * can no longer hold as missed, opens a gap notice, and moves past them.
     */
    void skipLost(final long s, final long word)
    {
        final long head = Math.max(ring.cursor(), SlotWord.sequence(word, s));
        final long resume = Math.max(s + 1, head - ring.capacity() + 1);
        final boolean newGap = pendingGapFirst < 0;
        if (newGap)
        {
            pendingGapFirst = s;
        }
        counters.addMissed(resume - s, newGap);
        sequence.set(resume - 1); // release: nothing there to read, so the producer may reuse those slots
    }

    void consumed(final long lastSequence, final long deliveredNow)
    {
        // counters first: whoever sees the new position (acquire) then sees counters that account for it
        counters.addDelivered(deliveredNow);
        // release: the slots read may be overwritten once the producer sees this
        sequence.set(lastSequence);
    }

    /** @return the sequence consumed last. */
    public long position()
    {
        return sequence.get();
    }

    /** @return transitions delivered by completed batches. */
    public long delivered()
    {
        return counters.delivered();
    }

    /** @return transitions missed because the producer lapped this reader. */
    public long missed()
    {
        return counters.missed();
    }

    /** @return how many times the producer lapped this reader. */
    public long gaps()
    {
        return counters.gaps();
    }
}
