package io.statebus.aeron.perf;

import org.agrona.concurrent.IdleStrategy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * One system's whole path on one thread, for {@link OneThreadKinds}: its {@link Sender} and its receiving side (a
 * {@link MirrorSide} or a {@link RawSide}) driven by the measuring thread in batches of 256, so no core hop and no
 * scheduling is measured, only the work each system does per transition. While the sender is held back (the bridge
 * a ring ahead, the publication full) its idle strategy runs the receiving side. Every sequence is checked in order
 * (statebus: and the chain, per key for a keyed bus). The measuring thread only.
 */
final class OneThreadPath implements RowSink
{
    private static final int BATCH = 256;
    /**
     * The measuring thread's CPU time, next to the wall time: on a loaded machine the wall time also counts the time
     * the thread waited for a core, the CPU time does not.
     */
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final Sender sender;
    private final IntSupplier receiving;
    private final IdleStrategy drain;
    private long sent;
    private long expected = 1;
    private long received;
    private boolean verified = true;

    /**
     * @param sender    the sending side.
     * @param receiving makes the receiving side's duty cycle, handing what it receives to this path.
     */
    OneThreadPath(final Sender sender, final Function<RowSink, IntSupplier> receiving)
    {
        this.sender = sender;
        this.receiving = receiving.apply(this);
        this.drain = new IdleStrategy()
        {
            @Override
            public void idle(final int workCount)
            {
                OneThreadPath.this.receiving.getAsInt();
            }

            @Override
            public void idle()
            {
                OneThreadPath.this.receiving.getAsInt();
            }

            @Override
            public void reset()
            {
            }
        };
    }

    /** @return {wall nanos, this thread's CPU nanos} for {@code count} transitions sent and received. */
    long[] run(final long count)
    {
        final long target = received + count;
        final long cpuStart = CPU.getCurrentThreadCpuTime();
        final long start = System.nanoTime();
        while (received < target)
        {
            for (int i = 0; i < BATCH; i++)
            {
                sender.send(drain);
            }
            sent += BATCH;
            do
            {
                sender.pump();
                receiving.getAsInt();
            }
            while (expected <= sent);
        }
        return new long[] {System.nanoTime() - start, CPU.getCurrentThreadCpuTime() - cpuStart};
    }

    /** @return true if every sequence arrived once and in order, each chain kept. */
    boolean verified()
    {
        return verified;
    }

    @Override
    public void joined(final long joinSequence)
    {
        expected = joinSequence + 1;
        sent = joinSequence;
    }

    @Override
    public void chainBroken()
    {
        verified = false;
    }

    @Override
    public void onMessage(final long sequence, final long timestamp)
    {
        verified &= sequence == expected;
        expected = sequence + 1;
        received++;
    }
}
