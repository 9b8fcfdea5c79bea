package io.statebus.aeron.perf;

import io.aeron.ExclusivePublication;
import io.statebus.BusStatus;
import io.statebus.KeyedStateBus;
import io.statebus.LongStateBus;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.aeron.StateTable;
import io.statebus.aeron.TransitionBridge;
import io.statebus.aeron.TransitionBridgeBuilder;
import org.agrona.concurrent.SystemNanoClock;

/**
 * The source of a StateBus row, one per kind of bus: a single-producer bus of {@code ring} slots whose clock stamps
 * each transition (what the receiver measures latency from; the raw sender stamps with {@code System.nanoTime()}
 * too), how it makes its next transition, and its bridge's builder. The values are those {@link RawMessage} sends.
 * The producer's thread only.
 */
abstract class SourceBus implements AutoCloseable
{
    private final BusStatus status;

    private SourceBus(final BusStatus status)
    {
        this.status = status;
    }

    static SourceBus of(final Wire.Kind kind, final int ring)
    {
        return switch (kind)
        {
            case STATES -> new States(ring);
            case LONG -> new Longs(ring);
            case KEYED -> new Keyed(ring);
        };
    }

    /** Publishes the next transition (the bus has room: the caller keeps it less than a ring ahead). */
    abstract void setNext();

    /** @return a bridge of this bus to {@code publication}, to be configured and built. */
    abstract TransitionBridgeBuilder<?> bridge(ExclusivePublication publication);

    final long latestSequence()
    {
        return status.latestSequence();
    }

    @Override
    public final void close()
    {
        status.close();
    }

    /** A bus of states: the 4 phases cycling. */
    private static final class States extends SourceBus
    {
        private final StateBus<Wire.Phase> bus;
        private Wire.Phase state = Wire.Phase.PRE_OPEN;

        States(final int ring)
        {
            this(StateBus.builder(Wire.Phase.PRE_OPEN).capacity(ring).producerMode(ProducerMode.SINGLE)
                .clock(SystemNanoClock.INSTANCE).build());
        }

        private States(final StateBus<Wire.Phase> bus)
        {
            super(bus);
            this.bus = bus;
        }

        @Override
        void setNext()
        {
            state = state.next();
            bus.set(state);
        }

        @Override
        TransitionBridgeBuilder<?> bridge(final ExclusivePublication publication)
        {
            return TransitionBridge.builder(bus, StateTable.forEnum(Wire.Phase.class), publication);
        }
    }

    /** A long bus: 1, 2, 3, ... (transition {@code n} is {@code n - 1 -> n}). */
    private static final class Longs extends SourceBus
    {
        private final LongStateBus bus;
        private long value;

        Longs(final int ring)
        {
            this(StateBus.longBuilder(0).capacity(ring).producerMode(ProducerMode.SINGLE)
                .clock(SystemNanoClock.INSTANCE).build());
        }

        private Longs(final LongStateBus bus)
        {
            super(bus);
            this.bus = bus;
        }

        @Override
        void setNext()
        {
            bus.set(++value);
        }

        @Override
        TransitionBridgeBuilder<?> bridge(final ExclusivePublication publication)
        {
            return TransitionBridge.builder(bus, publication);
        }
    }

    /** A keyed bus of {@link Wire#KEYS} keys set round-robin: the first round opens them, each later round moves
     *  every key one phase on. */
    private static final class Keyed extends SourceBus
    {
        private final KeyedStateBus<Wire.Phase> bus;
        private long key;
        private long round;

        Keyed(final int ring)
        {
            this(KeyedStateBus.builder(Wire.Phase.class).capacity(ring).maxKeys(Wire.KEYS)
                .producerMode(ProducerMode.SINGLE).clock(SystemNanoClock.INSTANCE).build());
        }

        private Keyed(final KeyedStateBus<Wire.Phase> bus)
        {
            super(bus);
            this.bus = bus;
        }

        @Override
        void setNext()
        {
            if (round == 0)
            {
                bus.open(key, Wire.Phase.PRE_OPEN);
            }
            else
            {
                bus.set(key, Wire.Phase.ofRound(round));
            }
            if (++key == Wire.KEYS)
            {
                key = 0;
                round++;
            }
        }

        @Override
        TransitionBridgeBuilder<?> bridge(final ExclusivePublication publication)
        {
            return TransitionBridge.builder(bus, StateTable.forEnum(Wire.Phase.class), publication);
        }
    }
}
