package io.statebus.read;

import com.lmax.disruptor.Sequence;

/**
 * An upstream stage's position as a downstream stage's barrier sees it: the upstream reader's own sequence while
 * it is open, and the ring's cursor once it has closed or failed, so a stage that is gone stops holding the
 * pipeline back (as a closed {@code BLOCK} subscription stops holding the producer). Never past the cursor: the
 * Disruptor's spinning, yielding and sleeping strategies wait on the upstream positions alone, so one "infinitely
 * ahead" would end every wait at once and turn an idle handler thread into a hot loop. Read-only: the Disruptor's
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
        return upstream.isEndedNow() ? upstream.ring.cursor() : upstream.sequence.get();
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
