package io.statebus;

/**
 * A notice that a {@link Policy#GAP} subscription of a {@link LongStateBus} was lapped: the producer overwrote
 * transitions before it read them. One notice per incident, delivered just before the first transition after the
 * gap, whose {@code from()} equals {@link #resumeValue()}.
 *
 * <p>A read-only view, reused: valid only during the callback.
 */
public interface LongGap
{
    /**
     * @return how many transitions were missed: {@code lastMissed() - firstMissed() + 1}.
     */
    long missed();

    /**
     * @return the sequence of the first missed transition.
     */
    long firstMissed();

    /**
     * @return the sequence of the last missed transition.
     */
    long lastMissed();

    /**
     * @return the value the subscription resumes from: the value after the last missed transition.
     */
    long resumeValue();
}
