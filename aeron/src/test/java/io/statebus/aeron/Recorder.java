package io.statebus.aeron;

import io.statebus.Gap;
import io.statebus.Transition;
import io.statebus.TransitionHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks what a subscription receives as it comes: sequences contiguous except where a gap notice says exactly
 * which were missed, each {@code from} the previous {@code to} (or the gap's resume state), and keeps gap notices.
 */
final class Recorder<S> implements TransitionHandler<S>
{
    /** A copied gap notice. */
    record GapSeen<S>(long first, long last, long missed, S resume) { }

    final List<GapSeen<S>> gaps = new ArrayList<>();
    final List<String> problems = new ArrayList<>();
    long count;
    long lastSequence;
    long lastTimestamp;
    boolean timestampsIncreasing = true;
    S lastTo;
    private GapSeen<S> pendingGap;

    Recorder(final long joinSequence, final S joinState)
    {
        this.lastSequence = joinSequence;
        this.lastTo = joinState;
    }

    @Override
    public void onTransition(final Transition<S> t, final boolean endOfBatch)
    {
        if (pendingGap != null)
        {
            if (t.sequence() != pendingGap.last() + 1 || !t.from().equals(pendingGap.resume()))
            {
                problems.add("after gap " + pendingGap + " came " + t);
            }
            pendingGap = null;
        }
        else if (t.sequence() != lastSequence + 1)
        {
            problems.add("sequence " + t.sequence() + " after " + lastSequence + " without a gap notice");
        }
        else if (!t.from().equals(lastTo))
        {
            problems.add("chain broken at " + t.sequence() + ": from " + t.from() + " after to " + lastTo);
        }
        count++;
        timestampsIncreasing &= t.timestampNanos() > lastTimestamp;
        lastSequence = t.sequence();
        lastTimestamp = t.timestampNanos();
        lastTo = t.to();
    }

    @Override
    public void onGap(final Gap<S> gap)
    {
        final GapSeen<S> seen = new GapSeen<>(gap.firstMissed(), gap.lastMissed(), gap.missed(), gap.resumeState());
        if (seen.first() != lastSequence + 1)
        {
            problems.add("gap " + seen + " does not start after " + lastSequence);
        }
        gaps.add(seen);
        pendingGap = seen;
        lastSequence = seen.last();
    }
}
