package io.statebus.aeron.perf;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import io.statebus.aeron.MirrorListener;
import io.statebus.aeron.MirrorReceiver;
import io.statebus.aeron.MirroredBus;
import io.statebus.aeron.StateTable;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.time.Duration;

/**
 * The receiving JVM of one perf row: {@code aeronDir channel system(statebus|aeron) mode(throughput|latency) count
 * blocks}. One thread, yielding when idle, polls the Aeron subscription (statebus: the mirror receiver, then the
 * mirror bus's BLOCK subscription, in the same duty cycle). Prints {@code READY}, then one {@code RESULT} line.
 */
public final class RowReceiver
{
    private static final int LIMIT = 256;
    private static final int OFFSET_SEQUENCE = 24; // WireFormat's sequence and timestamp offsets
    private static final int OFFSET_TIMESTAMP = 32;

    private final boolean latency;
    private final long perBlock;
    private final int blocks;
    private final Histogram histogram = new Histogram(10_000_000_000L, 3);
    private final long[] blockNanos;
    private long count;
    private long expectedSequence = 1;
    private boolean verified = true;
    private long blockStart;
    private int block;

    private RowReceiver(final boolean latency, final long perBlock, final int blocks)
    {
        this.latency = latency;
        this.perBlock = perBlock;
        this.blocks = blocks;
        this.blockNanos = new long[blocks];
    }

    /**
     * @param args aeronDir channel system mode perBlock blocks.
     */
    public static void main(final String[] args)
    {
        final String dir = args[0];
        final String channel = args[1];
        final boolean statebus = args[2].equals("statebus");
        final RowReceiver row = new RowReceiver(args[3].equals("latency"), Long.parseLong(args[4]),
            Integer.parseInt(args[5]));
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir)))
        {
            final Subscription subscription = aeron.addSubscription(channel, Wire.STREAM_ID);
            if (statebus)
            {
                row.runStatebus(subscription);
            }
            else
            {
                row.runRaw(subscription);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void runRaw(final Subscription subscription)
    {
        final IdleStrategy idle = new YieldingIdleStrategy();
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!subscription.isConnected() && System.nanoTime() < deadline)
        {
            idle.idle();
        }
        System.out.println("READY");
        System.out.flush();
        final FragmentHandler handler = (buffer, offset, length, header) ->
            onMessage(buffer.getLong(offset + OFFSET_SEQUENCE, java.nio.ByteOrder.LITTLE_ENDIAN),
                buffer.getLong(offset + OFFSET_TIMESTAMP, java.nio.ByteOrder.LITTLE_ENDIAN));
        while (block < blocks && System.nanoTime() < deadline + Duration.ofSeconds(60).toNanos())
        {
            idle.idle(subscription.poll(handler, LIMIT));
        }
        report();
    }

    private void runStatebus(final Subscription subscription) throws InterruptedException
    {
        final MirrorReceiver receiver = new MirrorReceiver(subscription, null, new MirrorListener()
        {
        }, LIMIT);
        final MirroredBus<Wire.Phase> mirrored = receiver.mirror(Wire.BUS_ID, StateTable.forEnum(Wire.Phase.class),
            b -> b.capacity(1024));
        final IdleStrategy idle = new YieldingIdleStrategy();
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (mirrored.bus() == null && System.nanoTime() < deadline)
        {
            idle.idle(receiver.doWork());
        }
        final StateBus<Wire.Phase> bus = mirrored.bus();
        final io.statebus.Subscription<Wire.Phase> sub = bus.subscribe(Policy.BLOCK);
        expectedSequence = sub.joinSequence() + 1;
        final Wire.Phase[] last = {sub.joinState()};
        System.out.println("READY");
        System.out.flush();
        final TransitionHandler<Wire.Phase> handler = (Transition<Wire.Phase> t, boolean end) ->
        {
            if (t.from() != last[0])
            {
                verified = false;
            }
            last[0] = t.to();
            onMessage(t.sequence(), t.timestampNanos());
        };
        while (block < blocks && System.nanoTime() < deadline + Duration.ofSeconds(60).toNanos())
        {
            int work = receiver.doWork();
            work += sub.poll(handler, LIMIT);
            idle.idle(work);
        }
        report();
        receiver.close();
    }

    private void onMessage(final long sequence, final long timestamp)
    {
        if (sequence != expectedSequence)
        {
            verified = false;
        }
        expectedSequence = sequence + 1;
        if (latency)
        {
            final long now = System.nanoTime();
            if (block > 0) // the first block warms up
            {
                histogram.recordValue(Math.max(0, now - timestamp));
            }
        }
        if (count == 0)
        {
            blockStart = System.nanoTime();
        }
        count++;
        if (count % perBlock == 0 && block < blocks)
        {
            final long now = System.nanoTime();
            blockNanos[block++] = now - blockStart;
            blockStart = now;
        }
    }

    private void report()
    {
        final StringBuilder line = new StringBuilder("RESULT verified=").append(verified && block == blocks ? "yes" : "no")
            .append(" count=").append(count);
        if (latency)
        {
            line.append(" p50=").append(histogram.getValueAtPercentile(50))
                .append(" p99=").append(histogram.getValueAtPercentile(99))
                .append(" p999=").append(histogram.getValueAtPercentile(99.9))
                .append(" max=").append(histogram.getMaxValue());
        }
        else
        {
            line.append(" blocks_ops_per_sec=");
            for (int i = 0; i < block; i++)
            {
                line.append(i == 0 ? "" : ",").append((long)(perBlock * 1e9 / blockNanos[i]));
            }
        }
        System.out.println(line);
        System.out.flush();
    }
}
