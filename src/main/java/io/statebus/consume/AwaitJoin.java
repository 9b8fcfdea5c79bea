package io.statebus.consume;

import io.statebus.Gap;
import io.statebus.Policy;
import io.statebus.ReplayUnavailableException;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import io.statebus.read.Reader;
import io.statebus.read.Subscriptions;

import java.util.List;

/**
 * An await's private reader, joined, with the transition that led to the state it registered at. The reader joins
 * as a replay of that very transition ({@link Subscriptions#REPLAY_LATEST}) and reads it at once on the registering
 * thread: a {@code BLOCK} await's gate keeps the producer off its slot, so the registration point never moves,
 * however fast the producer runs meanwhile. A {@code GAP} await lapped before that read joins again: an await never
 * answers with a made-up transition.
 *
 * @param <S> the state type
 */
public final class AwaitJoin<S>
{
    final Reader<S> reader;
    /** What led to the state at registration, or null when not needed ({@code awaitChange}). */
    final Transition<S> joinTransition;

    private AwaitJoin(final Reader<S> reader, final Transition<S> joinTransition)
    {
        this.reader = reader;
        this.joinTransition = joinTransition;
    }

    /**
     * @param subscriptions where to join.
     * @param policy        the await's policy.
     * @param <S>           the state type.
     * @return a joined await, with the transition that led to the state it registered at.
     */
    public static <S> AwaitJoin<S> withJoinTransition(final Subscriptions<S> subscriptions, final Policy policy)
    {
        while (true)
        {
            final Reader<S> reader;
            try
            {
                reader = subscriptions.join(policy, Subscriptions.REPLAY_LATEST, List.of());
            }
            catch (final ReplayUnavailableException ex)
            {
                continue; // the producer went a whole ring round during the join: join again
            }
            if (reader.joinSequence() == reader.latestAtJoin())
            {
                // no replay: nothing published yet (the initial state), or a mirror's latest sequence is a lost one
                // (the state it knows, which no transition it has led to); from == to
                final S state = reader.joinState();
                return new AwaitJoin<>(reader, Transition.of(reader.latestAtJoin(), state, state, 0));
            }
            final JoinTransition<S> led = new JoinTransition<>();
            reader.pollAvailable(led, 1);
            if (led.transition != null && !led.lapped)
            {
                return new AwaitJoin<>(reader, led.transition);
            }
            reader.close(); // a GAP await lapped at its own join point: never a made-up transition
        }
    }

    /**
     * @param subscriptions where to join.
     * @param policy        the await's policy.
     * @param <S>           the state type.
     * @return a joined await that only waits for the next change.
     */
    public static <S> AwaitJoin<S> forNextChange(final Subscriptions<S> subscriptions, final Policy policy)
    {
        return new AwaitJoin<>(subscriptions.join(policy, -1), null);
    }

    /** The state the await registered at: what its {@code ALREADY} answer is tested on. */
    /**
     * An await joined by its caller (a keyed bus's, which reads the key's state at the join itself).
     *
     * @param reader the await's private reader.
     * @param <S>    the state type.
     * @return the joined await.
     */
    public static <S> AwaitJoin<S> of(final Reader<S> reader)
    {
        return new AwaitJoin<>(reader, null);
    }

    S registeredState()
    {
        return joinTransition != null ? joinTransition.to() : reader.joinState();
    }

    /** Gives the await up: its reader stops gating at once; idempotent. */
    public void close()
    {
        reader.close();
    }

    /** Keeps a copy of the one transition read at registration, and whether a gap came before it. */
    private static final class JoinTransition<S> implements TransitionHandler<S>
    {
        Transition<S> transition;
        boolean lapped;

        @Override
        public void onTransition(final Transition<S> t, final boolean endOfBatch)
        {
            transition = t.copy();
        }

        @Override
        public void onGap(final Gap<S> gap)
        {
            lapped = true;
        }
    }
}
