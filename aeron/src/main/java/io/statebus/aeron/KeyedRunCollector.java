package io.statebus.aeron;

import io.statebus.KeyedMirror;
import io.statebus.KeyedStateBusBuilder;

import java.util.function.UnaryOperator;

/**
 * Builds a keyed mirror from a source's snapshot run (see {@link WireFormat}): at entry 0 of a run a new mirror at
 * the run's sequence, seeded with each entry in order; whole at the end marker if every entry {@code 0 .. n - 1}
 * came, for the same session and sequence. Anything else (an entry missing or out of order, another sequence or
 * session, a transition inside the run, a key twice) drops the candidate, closed, never seen by a consumer, and the
 * mirror waits for the next run. Duty-cycle thread only.
 *
 * @param <S> the state type.
 */
final class KeyedRunCollector<S>
{
    private final StateTable<S> states;
    private final UnaryOperator<KeyedStateBusBuilder<S>> configure;
    private KeyedMirror<S> candidate;
    private long session;
    private long sequence;
    private long seeded;

    KeyedRunCollector(final StateTable<S> states, final UnaryOperator<KeyedStateBusBuilder<S>> configure)
    {
        this.states = states;
        this.configure = configure;
    }

    /**
     * One entry of a run.
     *
     * @return false if it breaks the run (the candidate is dropped).
     */
    boolean entry(final long entrySession, final long entrySequence, final long index, final long key,
        final int stateId)
    {
        if (index == 0)
        {
            drop();
            candidate = configure.apply(states.keyedBuilder()).buildMirror(entrySequence, 0);
            session = entrySession;
            sequence = entrySequence;
        }
        else if (candidate == null || entrySession != session || entrySequence != sequence || index != seeded)
        {
            drop();
            return false;
        }
        try
        {
            candidate.seed(key, states.stateOf(stateId));
            seeded++;
            return true;
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            drop(); // a key twice, or more keys than the mirror's maxKeys
            return false;
        }
    }

    /**
     * The end of a run.
     *
     * @param count the count of entries the bridge sent.
     * @return the whole mirror, now the caller's; or null if the run was not whole (then nothing is kept).
     */
    KeyedMirror<S> end(final long endSession, final long endSequence, final long count)
    {
        if (count == 0 && candidate == null)
        {
            return configure.apply(states.keyedBuilder()).buildMirror(endSequence, 0); // a source with no key open
        }
        if (candidate == null || endSession != session || endSequence != sequence || count != seeded)
        {
            drop();
            return null;
        }
        final KeyedMirror<S> whole = candidate;
        candidate = null;
        seeded = 0;
        return whole;
    }

    /** @return true while a run is being collected. */
    boolean isCollecting()
    {
        return candidate != null;
    }

    /** Drops the candidate, if any: closed, never handed out. */
    void drop()
    {
        if (candidate != null)
        {
            candidate.close();
            candidate = null;
        }
        seeded = 0;
    }
}
