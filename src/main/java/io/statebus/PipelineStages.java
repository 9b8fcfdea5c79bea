package io.statebus;

import io.statebus.read.Reader;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The upstream stages of a pipeline stage ({@link StateBus#subscribeAfter}), checked, as the engine's readers. */
final class PipelineStages
{
    private PipelineStages()
    {
    }

    /**
     * @throws IllegalArgumentException if {@code upstream} is empty or holds a subscription of another bus.
     */
    static <S> List<Reader<S>> readers(final StateBus<S> bus, final List<Subscription<S>> upstream)
    {
        Objects.requireNonNull(upstream, "upstream must not be null");
        if (upstream.isEmpty())
        {
            throw new IllegalArgumentException("a pipeline stage needs at least one upstream stage");
        }
        final List<Reader<S>> readers = new ArrayList<>(upstream.size());
        for (final Subscription<S> stage : upstream)
        {
            if (Objects.requireNonNull(stage, "an upstream stage must not be null").bus() != bus)
            {
                throw new IllegalArgumentException("an upstream stage must be a subscription of the same bus");
            }
            readers.add(stage.reader());
        }
        return readers;
    }
}
