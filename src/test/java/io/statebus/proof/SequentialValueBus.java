package io.statebus.proof;

import io.statebus.Policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The contract of a value bus, sequentially, for the Lincheck models of the long and the reference value bus: the
 * current value, the list of transitions, one subscription's position. Values are compared with {@code equals}
 * (a long bus's boxed longs compare as longs). A GAP subscription more than a ring behind gets one notice for
 * exactly the overwritten range and resumes at the oldest transition still in the ring; GAP polls deliver one at
 * a time (a longer poll lapped in its middle reports two gaps, no atomic one).
 */
final class SequentialValueBus
{
    private final Policy policy;
    private final int capacity;
    private final List<Object[]> history = new ArrayList<>();
    private Object value;
    private long position;

    SequentialValueBus(final Policy policy, final int capacity, final Object initial)
    {
        this.policy = policy;
        this.capacity = capacity;
        this.value = initial;
        history.add(new Object[] {initial, initial}); // sequence 0: the initial value
    }

    private long latest()
    {
        return history.size() - 1;
    }

    /** @return the published sequence, or {@code notPublished} if the value already equalled {@code next}. */
    String set(final Object next, final long notPublished)
    {
        if (Objects.equals(next, value))
        {
            return Long.toString(notPublished);
        }
        history.add(new Object[] {value, next});
        value = next;
        return Long.toString(latest());
    }

    String compareAndSet(final Object expected, final Object next)
    {
        if (!Objects.equals(expected, value))
        {
            return "false";
        }
        set(next, 0);
        return "true";
    }

    String get()
    {
        return String.valueOf(value);
    }

    String latestSequence()
    {
        return Long.toString(latest());
    }

    String subscribe()
    {
        return latest() + ":" + value;
    }

    String poll(final int limit)
    {
        final StringBuilder out = new StringBuilder();
        final long n = latest();
        int max = limit;
        if (policy == Policy.GAP)
        {
            max = 1;
            if (n - position > capacity)
            {
                final long resume = n - capacity + 1;
                out.append("gap[").append(position + 1).append("..").append(resume - 1).append("]>")
                    .append(history.get((int)resume)[0]).append(' ');
                position = resume - 1;
            }
        }
        for (int i = 0; i < max && position < n; i++)
        {
            position++;
            final Object[] t = history.get((int)position);
            out.append('#').append(position).append(' ').append(t[0]).append('>').append(t[1]).append(' ');
        }
        return out.toString().trim();
    }
}
