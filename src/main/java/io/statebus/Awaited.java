package io.statebus;

import java.util.Objects;

/**
 * The answer of an await: how it ended and, on a match, the matching transition.
 *
 * <pre>{@code
 * Awaited<Connection> closing = bus.await(Connection.CLOSING, 5, TimeUnit.SECONDS);
 * if (closing.isMatch()) drain(closing.transition().sequence());
 * }</pre>
 *
 * @param <S> the state type
 */
public final class Awaited<S>
{
    /** How an await ended. */
    public enum Outcome
    {
        /** The current state already matched when the await began; {@link #transition()} led to it. */
        ALREADY,
        /** A transition after the await began matched: {@link #transition()} is the first one. */
        MATCHED,
        /** The timeout passed with no match. */
        TIMED_OUT,
        /**
         * The await was lapped (a {@link Policy#GAP} await), or transitions it would have seen were lost before
         * they reached the bus (a mirror's, whatever the policy): {@link #missed()} transitions went by unseen, so
         * it cannot tell whether one of them matched. Never a silent wrong answer.
         */
        LAPPED
    }

    private final Outcome outcome;
    private final Transition<S> transition;
    private final long missed;

    /**
     * @param outcome    how the await ended.
     * @param transition the matching transition (a kept copy), or null.
     * @param missed     for {@link Outcome#LAPPED}, how many transitions went by unseen.
     */
    public Awaited(final Outcome outcome, final Transition<S> transition, final long missed)
    {
        this.outcome = outcome;
        this.transition = transition;
        this.missed = missed;
    }

    /**
     * @return how the await ended.
     */
    public Outcome outcome()
    {
        return outcome;
    }

    /**
     * @return true for {@link Outcome#ALREADY} and {@link Outcome#MATCHED}.
     */
    public boolean isMatch()
    {
        return outcome == Outcome.ALREADY || outcome == Outcome.MATCHED;
    }

    /**
     * @return the matching transition (a kept copy) on a match; for {@link Outcome#ALREADY}, the transition that
     *     led to the current state ({@code from == to} for the initial state at sequence 0); null otherwise.
     */
    public Transition<S> transition()
    {
        return transition;
    }

    /**
     * @return for {@link Outcome#LAPPED}, how many transitions went by unseen; else 0.
     */
    public long missed()
    {
        return missed;
    }

    /**
     * Two answers are equal when they ended the same way, with equal transitions ({@link Transition#of} copies compare
     * by value) and the same count missed: an expected answer can be compared with the one an await gave.
     *
     * @param other another object.
     * @return whether {@code other} is an equal answer.
     */
    @Override
    public boolean equals(final Object other)
    {
        return other instanceof Awaited<?> that && outcome == that.outcome && missed == that.missed &&
            Objects.equals(transition, that.transition);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(outcome, transition, missed);
    }

    @Override
    public String toString()
    {
        return outcome + (transition != null ? " " + transition : "") + (missed > 0 ? " missed=" + missed : "");
    }
}
