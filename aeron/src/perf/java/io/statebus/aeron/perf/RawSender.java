package io.statebus.aeron.perf;

import io.aeron.ExclusivePublication;
import io.aeron.logbuffer.BufferClaim;
import io.statebus.aeron.WireFormat;
import org.agrona.concurrent.IdleStrategy;

/** Raw Aeron: the same 48 bytes as a StateBus transition ({@link RawMessage}), written in place with tryClaim. */
final class RawSender implements Sender
{
    private final ExclusivePublication publication;
    private final BufferClaim claim = new BufferClaim();
    private long sequence;

    RawSender(final ExclusivePublication publication)
    {
        this.publication = publication;
    }

    @Override
    public void send(final IdleStrategy idle)
    {
        final long seq = ++sequence;
        while (publication.tryClaim(WireFormat.LENGTH, claim) <= 0)
        {
            idle.idle(0);
        }
        RawMessage.write(claim.buffer(), claim.offset(), seq);
        claim.commit();
    }

    @Override
    public int pump()
    {
        return 0;
    }

    @Override
    public void close()
    {
    }
}
