package io.statebus.aeron;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.CloseHelper;

import java.util.ArrayList;
import java.util.List;

/**
 * The counters one owner allocates together, so that a constructor the driver refuses a counter to (its counters
 * buffer full, a driver timeout) frees those it had already: no one else holds them, and they would show in
 * {@code statebus-stat} for a bus that does not exist. Built once, on the constructing thread.
 */
final class CounterGroup
{
    private final Aeron aeron;
    private final List<Counter> added = new ArrayList<>();

    CounterGroup(final Aeron aeron)
    {
        this.aeron = aeron;
    }

    /** @return a new counter of {@code typeId}, labelled {@code label}, freed by {@link #freeAll} with the rest. */
    Counter add(final int typeId, final String label)
    {
        final Counter counter = aeron.addCounter(typeId, label);
        added.add(counter);
        return counter;
    }

    /** The constructor failed: frees every counter added, then lets {@code cause} go on. @return {@code cause}. */
    RuntimeException freeAll(final RuntimeException cause)
    {
        CloseHelper.quietCloseAll(added);
        return cause;
    }
}
