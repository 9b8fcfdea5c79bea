package io.statebus.aeron.perf;

import io.aeron.ExclusivePublication;
import io.statebus.Policy;
import io.statebus.aeron.TransitionBridge;
import org.agrona.concurrent.IdleStrategy;

/** StateBus: set on a single-producer source bus of the row's kind, the BLOCK bridge run in the same duty cycle. */
final class StateBusSender implements Sender
{
    private static final int RING = 1024;
    private final SourceBus source;
    private final TransitionBridge<?> bridge;
    private final boolean latency;
    private int sinceWork; // sets since the start: the bridge's duty cycle every 256 of them
    private int room; // sets the ring surely has room for, as of the last look: the two volatile reads not per set

    StateBusSender(final ExclusivePublication publication, final Wire.Kind kind, final boolean latency)
    {
        this.latency = latency;
        this.source = SourceBus.of(kind, RING);
        this.bridge = source.bridge(publication).busId(Wire.BUS_ID).policy(Policy.BLOCK).build();
    }

    @Override
    public void send(final IdleStrategy idle)
    {
        if (room == 0)
        {
            // never more than a ring ahead of the bridge: set() would wait for this very thread
            while ((room = RING - 1 - (int)(source.latestSequence() - bridge.subscription().position())) <= 0)
            {
                idle.idle(bridge.doWork());
            }
        }
        room--;
        source.setNext();
        if (latency || (++sinceWork & 255) == 0)
        {
            bridge.doWork(); // latency: send it now; throughput: in batches of the bridge's limit, 256
        }
    }

    @Override
    public int pump()
    {
        return bridge.doWork();
    }

    @Override
    public void close()
    {
        bridge.close();
        source.close();
    }
}
