package io.statebus;

/**
 * A notice that a subscription of a {@link LongStateBus} missed transitions: a {@link Policy#GAP} subscription was
 * lapped (the producer overwrote them before it read them), or, on a {@link LongMirror}'s bus, the mirror never
 * received them (any policy). One notice per incident, delivered just before the first transition after the
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
