package io.statebus.read;

import io.statebus.LongGap;
import io.statebus.ring.StateIds;

/**
 * A long bus's gap notice: a {@link GapView} that is a {@link LongGap} too. The only one, so the long adapter tells
 * by it that a notice's {@link #resumeValue()} is a long bus's value, not the 0 of another bus.
 */
final class LongGapView<S> extends GapView<S> implements LongGap
{
    LongGapView(final StateIds<S> ids)
    {
        super(ids, true, false);
    }
}
