package io.statebus.aeron.perf;

import io.aeron.ExclusivePublication;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.aeron.StateTable;
import io.statebus.aeron.TransitionBridge;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;

/** StateBus: set on a single-producer bus, the BLOCK bridge run in the same duty cycle. */
final class StateBusSender implements Sender
{
    private static final int RING = 1024;
    private final StateBus<Wire.Phase> bus;
    private final TransitionBridge<Wire.Phase> bridge;
    private final boolean latency;
    private Wire.Phase state = Wire.Phase.PRE_OPEN;

    StateBusSender(final ExclusivePublication publication, final boolean latency)
    {
        // the bus's clock stamps each transition: what the receiver measures latency from (the raw sender
        // stamps with System.nanoTime() too)
        this.latency = latency;
        this.bus = StateBus.builder(Wire.Phase.PRE_OPEN).capacity(RING).producerMode(ProducerMode.SINGLE)
            .clock(SystemNanoClock.INSTANCE).build();
        this.bridge = TransitionBridge.builder(bus, StateTable.forEnum(Wire.Phase.class), publication)
            .busId(Wire.BUS_ID).policy(Policy.BLOCK).build();
    }

    @Override
    public void send(final IdleStrategy idle)
    {
        // never more than a ring ahead of the bridge: set() would wait for this very thread
        while (bus.latestSequence() - bridge.subscription().position() >= RING - 1)
        {
            idle.idle(bridge.doWork());
        }
        state = state.next();
        bus.set(state);
        if (latency || (bus.latestSequence() & 255) == 0)
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
        bus.close();
    }
}
