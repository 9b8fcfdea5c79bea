package io.statebus.flow;

import io.statebus.Policy;

/**
 * The Reactive Streams TCK again, every subscriber a {@link Policy#GAP} one. Streams are at most
 * {@link TransitionPublisherTckTest#PREFILLED} transitions, all in the ring before anyone subscribes, so no
 * subscriber is lapped and the TCK sees a plain stream. The one test that needs a longer stream
 * ({@code required_spec317_mustNotSignalOnErrorWhenPendingAboveLongMaxValue}, {@code Integer.MAX_VALUE} elements)
 * is skipped by the TCK for this reason: a producer that never waits, as GAP promises, laps a subscriber on such a
 * stream whenever the subscriber is slower, and the subscriber then rightly receives {@code onError}; the BLOCK run
 * covers that rule.
 */
public class TransitionPublisherGapTckTest extends TransitionPublisherTckTest
{
    @Override
    Policy policy()
    {
        return Policy.GAP;
    }

    @Override
    public long maxElementsFromPublisher()
    {
        return PREFILLED;
    }
}
