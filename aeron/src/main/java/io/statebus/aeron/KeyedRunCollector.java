package io.statebus.aeron;

import io.statebus.KeyedMirror;
import io.statebus.KeyedStateBusBuilder;
import io.statebus.StateBusClosedException;
import org.agrona.DirectBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Gathers a source's keyed snapshot run (see {@link WireFormat}): entries {@code 0 .. n - 1} in order (in pages),
 * then the end marker with count {@code n}, all of one session and one sequence. Anything else (an entry missing or out of
 * order, another sequence or session, a transition inside the run) drops what was gathered, and the next run starts
 * again. A whole run builds a new keyed mirror at its sequence ({@link #build}) or repairs a live one after a loss
 * ({@link #repair}). A run is refused at its first entry past the mirror's {@code maxKeys} (no bus of it could hold
 * the run), so what it holds is bounded by {@code maxKeys} whatever a sender announces; the arrays grow while runs
 * are gathered, up to the largest run kept. Duty-cycle thread only.
 *
 * @param <S> the state type.
 */
final class KeyedRunCollector<S>
{
    private final StateTable<S> states;
    private final UnaryOperator<KeyedStateBusBuilder<S>> configure;
    private long[] keys = new long[0];
    private int maxKeys; // configure's maxKeys, learnt at the first entry (on the duty cycle, as build applies it)
    private final List<S> keyStates = new ArrayList<>();
    private boolean collecting;
    private long session;
    private long sequence;
    private volatile String unfit; // why the last run that does not fit was refused, for awaitBus; written rarely

    KeyedRunCollector(final StateTable<S> states, final UnaryOperator<KeyedStateBusBuilder<S>> configure)
    {
        this.states = states;
        this.configure = configure;
    }

    /**
     * A page of a run ({@link KeyedSnapshotPage}): its entries in a row, as {@link #entry} takes each.
     *
     * @return false if an entry breaks the run (what was gathered is dropped; the page's other entries are ignored).
     */
    boolean page(final DirectBuffer buffer, final int offset, final long pageSession, final long pageSequence)
    {
        final long first = WireFields.timestamp(buffer, offset); // the page's first index, at the timestamp's place
        final int count = KeyedSnapshotPage.count(WireFields.extensionLength(WireFields.ids(buffer, offset)));
        for (int i = 0; i < count; i++)
        {
            if (!entry(pageSession, pageSequence, first + i, KeyedSnapshotPage.key(buffer, offset, i),
                KeyedSnapshotPage.stateId(buffer, offset, i)))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * One entry of a run. An entry after the first of a run not being gathered (a mirror that joined in the middle of
     * the run, or a run refused already) is ignored: the run is not whole, and one refusal is enough.
     *
     * @return false if it breaks the run (what was gathered is dropped).
     */
    boolean entry(final long entrySession, final long entrySequence, final long index, final long key,
        final int stateId)
    {
        if (index == 0)
        {
            drop();
            collecting = true;
            session = entrySession;
            sequence = entrySequence;
        }
        else if (!collecting)
        {
            return true; // the tail of a run not gathered (joined in its middle, or refused already): not malformed
        }
        else if (entrySession != session || entrySequence != sequence || index != keyStates.size())
        {
            drop();
            return false;
        }
        final int i = keyStates.size();
        if (i == maxKeys())
        {
            drop(); // one key more than a bus of this mirror holds: the run cannot fit, and is not kept
            unfit = "a run of more than " + i + " keys (source sequence " + sequence + ") does not fit this " +
                "mirror's maxKeys " + i;
            return false;
        }
        if (i == keys.length)
        {
            keys = Arrays.copyOf(keys, Math.min(Math.max(256, 2 * i), maxKeys));
        }
        keys[i] = key;
        keyStates.add(states.stateOf(stateId));
        return true;
    }

    /**
     * The end of a run.
     *
     * @param count the count of entries the bridge sent.
     * @return true if the run is whole: {@link #build} or {@link #repair} may use it, once.
     */
    boolean end(final long endSession, final long endSequence, final int count)
    {
        if (count > maxKeys() || count < 0)
        {
            unfit = "a run of " + Integer.toUnsignedString(count) + " keys (source sequence " + endSequence +
                ") does not fit this mirror's maxKeys " + maxKeys;
        }
        if (count == 0 && !collecting)
        {
            session = endSession; // a source with no key open: a run of its end alone
            sequence = endSequence;
            return true;
        }
        final boolean whole = collecting && endSession == session && endSequence == sequence &&
            count == keyStates.size();
        collecting = false;
        if (!whole)
        {
            keyStates.clear();
        }
        return whole;
    }

    /**
     * @return a new mirror of the whole run: its keys at its sequence; null if they do not fit (closed), and
     *     {@link #whyNoBus} says why.
     */
    KeyedMirror<S> build()
    {
        final KeyedMirror<S> built = configure.apply(states.keyedBuilder()).buildMirror(sequence, 0);
        try
        {
            for (int i = 0; i < keyStates.size(); i++)
            {
                built.seed(keys[i], keyStates.get(i));
            }
            return built;
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            final int maxKeys = built.bus().maxKeys();
            unfit = keyStates.size() > maxKeys ? "a run of " + keyStates.size() + " keys (source sequence " +
                sequence + ") does not fit this mirror's maxKeys " + maxKeys : "a run could not seed the mirror (" +
                ex.getMessage() + ")";
            built.close(); // a key twice, or more keys than the mirror's maxKeys: never handed out
            return null;
        }
        finally
        {
            keyStates.clear();
        }
    }

    /**
     * Repairs a live mirror's key table with the whole run, if the run describes the mirror's latest sequence.
     *
     * @return true if repaired.
     * @throws StateBusClosedException if the live mirror is closed (nothing changed).
     */
    boolean repair(final KeyedMirror<S> live)
    {
        try
        {
            if (sequence == live.latestSequence())
            {
                live.resync(sequence, keys, keyStates);
                return true;
            }
            return false;
        }
        catch (final StateBusClosedException ex)
        {
            throw ex; // not a run that does not fit: the mirror stops
        }
        catch (final IllegalArgumentException | IllegalStateException ex)
        {
            return false;
        }
        finally
        {
            keyStates.clear();
        }
    }

    /** @return the most keys a bus of this mirror holds: configure's {@code maxKeys}, learnt once. */
    private int maxKeys()
    {
        if (maxKeys == 0)
        {
            maxKeys = configure.apply(states.keyedBuilder()).maxKeys();
        }
        return maxKeys;
    }

    /**
     * @param retiresOnRefused whether a run was refused for its {@code retireOn} ({@link RetiresOnCheck}).
     * @return why a keyed mirror has no local bus yet, for {@code awaitBus}'s exception.
     */
    String whyNoBus(final boolean retiresOnRefused)
    {
        if (retiresOnRefused)
        {
            return ": the source's snapshot runs were refused: the source retires keys on other states than this " +
                "mirror's retireOn (" + MalformedReason.RETIRES_ON + ")";
        }
        return unfit == null ? ": no whole snapshot run of its open keys arrived" :
            ": the source's snapshot runs were refused: " + unfit + " (" + MalformedReason.SNAPSHOT + ")";
    }

    /** @return the session of the run gathered last. */
    long session()
    {
        return session;
    }

    /** @return true while a run is being gathered. */
    boolean isCollecting()
    {
        return collecting;
    }

    /** Drops what was gathered. */
    void drop()
    {
        collecting = false;
        keyStates.clear();
    }
}
