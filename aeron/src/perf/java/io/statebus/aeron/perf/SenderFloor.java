package io.statebus.aeron.perf;

import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.Subscription;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The floor under {@link SenderCost}'s statebus figure, on one thread with no Aeron: what any bridge of a bus of
 * states pays before it sends a byte. Per transition: {@code clock} ({@code System.nanoTime()}, which the source
 * bus's clock and raw Aeron's sender both read once a transition), {@code set} (the source bus's {@code set}, its
 * clock included, no subscription), {@code set_poll} (the same with a BLOCK subscription polled every 256 by a
 * handler that reads the sequence only), {@code set_poll_stage} (the handler writes the run entry a bridge sends:
 * sequence, timestamp, the ids' word). Prints {@code RESULT iteration=.. clock_ns=.. set_ns=.. set_poll_ns=..
 * set_poll_stage_ns=..} (thread CPU time) per iteration after the first four. {@code SenderFloor transitions
 * iterations}. Against raw Aeron's whole sender ({@link SenderCost}'s {@code aeron_cpu_ns}), {@code set_poll} plus
 * raw's own work beyond its clock bounds the best throughput ratio a bridge over a bus can reach. The figures are
 * bimodal from JVM to JVM (the same code reads {@code set} 29 ns in one, 34-37 in the next, the clock too moves by
 * 2 ns): compare several JVMs, and the cases within one.
 */
public final class SenderFloor
{
    private static final int RING = 1024;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private final UnsafeBuffer entries = new UnsafeBuffer(new byte[256 * 24]);
    private final TransitionHandler<Wire.Phase> readOnly = (t, end) -> this.sink += t.sequence();
    private final TransitionHandler<Wire.Phase> stage = this::stage;
    private int staged;
    private long sink;

    private SenderFloor()
    {
    }

    /**
     * @param args transitionsPerIteration iterations.
     */
    public static void main(final String[] args)
    {
        new SenderFloor().run(Long.parseLong(args[0]), Integer.parseInt(args[1]));
    }

    private void run(final long n, final int iterations)
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final StateBus<Wire.Phase> alone = bus();
        final StateBus<Wire.Phase> polled = bus();
        final Subscription<Wire.Phase> reader = polled.subscribe(Policy.BLOCK);
        final StateBus<Wire.Phase> staging = bus();
        final Subscription<Wire.Phase> stager = staging.subscribe(Policy.BLOCK);
        for (int i = 0; i < iterations; i++)
        {
            final long t0 = threads.getCurrentThreadCpuTime();
            for (long s = 0; s < n; s++)
            {
                sink += System.nanoTime();
            }
            final long t1 = threads.getCurrentThreadCpuTime();
            setAlone(alone, n);
            final long t2 = threads.getCurrentThreadCpuTime();
            setAndRead(polled, reader, n);
            final long t3 = threads.getCurrentThreadCpuTime();
            setAndStage(staging, stager, n);
            final long t4 = threads.getCurrentThreadCpuTime();
            if (i >= 4)
            {
                System.out.printf(Locale.ROOT, "RESULT iteration=%d clock_ns=%.2f set_ns=%.2f set_poll_ns=%.2f " +
                    "set_poll_stage_ns=%.2f sink=%d%n", i, (t1 - t0) / (double)n, (t2 - t1) / (double)n,
                    (t3 - t2) / (double)n, (t4 - t3) / (double)n, sink & 1);
            }
        }
        alone.close();
        polled.close();
        staging.close();
    }

    private static StateBus<Wire.Phase> bus()
    {
        return StateBus.builder(Wire.Phase.PRE_OPEN).capacity(RING).producerMode(ProducerMode.SINGLE)
            .clock(SystemNanoClock.INSTANCE).build();
    }

    // one loop per case, each with one bus and one handler: no case's profile is another's (as in the bridge)
    private static void setAlone(final StateBus<Wire.Phase> bus, final long n)
    {
        Wire.Phase state = bus.get();
        for (long s = 1; s <= n; s++)
        {
            state = state.next();
            bus.set(state);
        }
    }

    private void setAndRead(final StateBus<Wire.Phase> bus, final Subscription<Wire.Phase> reader, final long n)
    {
        Wire.Phase state = bus.get();
        for (long s = 1; s <= n; s++)
        {
            state = state.next();
            bus.set(state);
            if ((s & 255) == 0)
            {
                reader.poll(readOnly, 256);
            }
        }
        reader.poll(readOnly, RING);
    }

    private void setAndStage(final StateBus<Wire.Phase> bus, final Subscription<Wire.Phase> stager, final long n)
    {
        Wire.Phase state = bus.get();
        for (long s = 1; s <= n; s++)
        {
            state = state.next();
            bus.set(state);
            if ((s & 255) == 0)
            {
                stager.poll(stage, 256);
            }
        }
        stager.poll(stage, RING);
    }

    /** A run entry as the bridge stages it (BridgeStaging): sequence, timestamp, the word of the two state ids. */
    private void stage(final Transition<Wire.Phase> t, final boolean end)
    {
        final int entry = (staged++ & 255) * 24;
        entries.putLong(entry, t.sequence(), LE);
        entries.putLong(entry + 8, t.timestampNanos(), LE);
        entries.putLong(entry + 16, (t.fromIndex() & 0xFFFF) | (long)(t.toIndex() & 0xFFFF) << 16, LE);
    }
}
