package io.statebus.consume;

import io.statebus.Policy;
import io.statebus.Transition;
import io.statebus.read.Reader;
import io.statebus.read.Subscriptions;
import io.statebus.ring.SlotWord;
import io.statebus.ring.TransitionRing;

/**
 * An await's private reader, joined, with the transition that led to its join state: read at once, before any
 * predicate runs (the producer may lap its slot meanwhile). Joins again if it was lapped even before that read:
 * an await never answers with a made-up transition.
 *
 * @param <S> the state type
 */
public final class AwaitJoin<S>
{
    final Reader<S> reader;
    /** What led to the join state, or null when not needed ({@code awaitChange}). */
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
     * @return a joined await, with the transition that led to the join state.
     */
    public static <S> AwaitJoin<S> withJoinTransition(final Subscriptions<S> subscriptions, final Policy policy)
    {
        while (true)
        {
            final Reader<S> reader = subscriptions.join(policy, -1);
            final Transition<S> led = transitionAt(reader);
            if (led != null)
            {
                return new AwaitJoin<>(reader, led);
            }
            reader.close();
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

    /** Gives the await up: its reader stops gating at once; idempotent. */
    public void close()
    {
        reader.close();
    }

    /** The join sequence's transition, as a copy; null if the producer lapped its slot before it was read. */
    private static <S> Transition<S> transitionAt(final Reader<S> reader)
    {
        final long sequence = reader.joinSequence();
        final S state = reader.joinState();
        if (sequence == 0)
        {
            return Transition.of(0, state, state, 0); // the initial state: from == to, no timestamp
        }
        final TransitionRing ring = reader.ring();
        final long word = ring.wordRacing(sequence);
        final long timestamp = ring.timestampAt(sequence);
        if (!SlotWord.isOf(word, sequence) || !ring.isStill(sequence, word))
        {
            return null;
        }
        return Transition.of(sequence, reader.ids().stateOf(SlotWord.fromId(word)), state, timestamp);
    }
}
