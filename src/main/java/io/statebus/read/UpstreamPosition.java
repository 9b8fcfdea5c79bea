package io.statebus.read;

import com.lmax.disruptor.Sequence;

/**
 * An upstream stage's position as a downstream stage's barrier sees it: the upstream reader's own sequence while
 * it is open, and "infinitely ahead" once it has closed or failed, so a stage that is gone stops holding the
 * pipeline back (as a closed {@code BLOCK} subscription stops holding the producer). Read-only: the Disruptor's
 * barrier only calls {@link #get()}.
 */
final class UpstreamPosition extends Sequence
{
    private final Reader<?> upstream;

    UpstreamPosition(final Reader<?> upstream)
    {
        this.upstream = upstream;
    }

    @Override
    public long get()
    {
        return upstream.isEndedNow() ? Long.MAX_VALUE : upstream.sequence.get();
    }

    @Override
    public void set(final long value)
    {
        throw new UnsupportedOperationException("an upstream position is read-only");
    }

    @Override
    public String toString()
    {
        return "upstream@" + get();
    }
}
