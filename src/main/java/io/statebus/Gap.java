package io.statebus;

/**
 * A notice that a subscription missed transitions: a {@link Policy#GAP} subscription was lapped (the producer
 * overwrote them before it read them), or, on a {@link Mirror}'s bus, the mirror never received them (any policy,
 * {@code BLOCK} too). One notice per incident, delivered just before the first transition after the gap, whose
 * {@code from()} equals {@link #resumeState()}.
 *
 * <p>A read-only view, reused: valid only during the callback.
 *
 * @param <S> the state type
 */
public interface Gap<S>
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
     * @return the state the subscription resumes from: the state after the last missed transition.
     */
    S resumeState();
}
