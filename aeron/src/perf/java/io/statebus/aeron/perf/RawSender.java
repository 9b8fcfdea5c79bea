package io.statebus.aeron.perf;

import io.aeron.ExclusivePublication;
import io.aeron.logbuffer.BufferClaim;
import org.agrona.concurrent.IdleStrategy;

/**
 * Raw Aeron: the same bytes as a StateBus transition of the row's kind of bus ({@link RawMessage}), written in place
 * with tryClaim; a keyed row's keys round-robin, as {@link SourceBus} sets them.
 */
final class RawSender implements Sender
{
    private final ExclusivePublication publication;
    private final Wire.Kind kind;
    private final BufferClaim claim = new BufferClaim();
    private long sequence;
    private long key; // keyed: this message's key and its round (how many times the keys went round)
    private long round;

    RawSender(final ExclusivePublication publication, final Wire.Kind kind)
    {
        this.publication = publication;
        this.kind = kind;
    }

    @Override
    public void send(final IdleStrategy idle)
    {
        final long seq = ++sequence;
        while (publication.tryClaim(kind.length, claim) <= 0)
        {
            idle.idle(0);
        }
        switch (kind)
        {
            case STATES -> RawMessage.write(claim.buffer(), claim.offset(), seq);
            case LONG -> RawMessage.writeLong(claim.buffer(), claim.offset(), seq);
            default -> keyed();
        }
        claim.commit();
    }

    private void keyed()
    {
        RawMessage.writeKeyed(claim.buffer(), claim.offset(), sequence, key, round);
        if (++key == Wire.KEYS)
        {
            key = 0;
            round++;
        }
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
