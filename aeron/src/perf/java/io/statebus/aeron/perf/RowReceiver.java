package io.statebus.aeron.perf;

import io.aeron.Aeron;
import io.aeron.Subscription;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The receiving JVM of one perf row: {@code aeronDir channel system(statebus|aeron|aeron-per-transition)
 * mode(throughput|latency) count blocks [kind [warmUpBlocks]]} (kind: {@code STATES}, the default, {@code LONG} or
 * {@code KEYED}; warmUpBlocks: the latency blocks left out of the histogram, 1 unless given). One thread, yielding
 * when idle, polls the Aeron subscription (statebus: the {@link MirrorSide} of the row's kind of bus, the mirror
 * receiver, then the mirror bus's BLOCK subscription, in the same duty cycle). Checks that every sequence arrives
 * once and in order (statebus: and the chain, per key for a keyed bus), measures, prints {@code READY}, then one
 * {@code RESULT} line, with each block's messages (a run of transitions is one), so the row can tell how long the
 * bridge's runs were.
 */
public final class RowReceiver implements RowSink
{

    private final boolean latency;
    private final long perBlock;
    private final int blocks;
    private final int warmUpBlocks;
    private final Histogram histogram = new Histogram(10_000_000_000L, 3);
    private final long[] blockNanos;
    private final long[] blockMessages;
    private LongSupplier messages = () -> 0; // the side's count of messages received
    private long messagesAtBlockStart;
    private long count;
    private long expectedSequence = 1;
    private boolean verified = true;
    private long blockStart;
    private int block;

    private RowReceiver(final boolean latency, final long perBlock, final int blocks, final int warmUpBlocks)
    {
        this.latency = latency;
        this.perBlock = perBlock;
        this.blocks = blocks;
        this.warmUpBlocks = warmUpBlocks;
        this.blockNanos = new long[blocks];
        this.blockMessages = new long[blocks];
    }

    /**
     * @param args aeronDir channel system mode perBlock blocks [kind [warmUpBlocks]].
     */
    public static void main(final String[] args)
    {
        final String dir = args[0];
        final String channel = args[1];
        final boolean statebus = args[2].equals("statebus");
        final Wire.Kind kind = args.length > 6 ? Wire.Kind.valueOf(args[6]) : Wire.Kind.STATES;
        final RowReceiver row = new RowReceiver(args[3].equals("latency"), Long.parseLong(args[4]),
            Integer.parseInt(args[5]), args.length > 7 ? Integer.parseInt(args[7]) : 1);
        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir)))
        {
            final Subscription subscription = aeron.addSubscription(channel, Wire.STREAM_ID);
            if (statebus)
            {
                try (MirrorSide side = MirrorSide.of(kind, subscription, row))
                {
                    row.runStatebus(side);
                }
            }
            else
            {
                row.runRaw(subscription);
            }
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
        final RawSide side = new RawSide(subscription, this);
        messages = side::messages;
        while (block < blocks && System.nanoTime() < deadline + Duration.ofSeconds(60).toNanos())
        {
            idle.idle(side.doWork());
        }
        report();
    }

    private void runStatebus(final MirrorSide side)
    {
        final IdleStrategy idle = new YieldingIdleStrategy();
        final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        boolean subscribed = side.trySubscribe();
        while (!subscribed && System.nanoTime() < deadline)
        {
            idle.idle(side.receiver.doWork());
            subscribed = side.trySubscribe();
        }
        if (!subscribed)
        {
            verified = false; // no local bus: report what arrived (nothing), unverified
            report();
            return;
        }
        messages = side::messages;
        System.out.println("READY");
        System.out.flush();
        while (block < blocks && System.nanoTime() < deadline + Duration.ofSeconds(60).toNanos())
        {
            idle.idle(side.doWork());
        }
        report();
    }

    @Override
    public void joined(final long joinSequence)
    {
        expectedSequence = joinSequence + 1;
    }

    @Override
    public void chainBroken()
    {
        verified = false;
    }

    /** One message received: its sequence checked against the previous one, its latency recorded, blocks timed. */
    @Override
    public void onMessage(final long sequence, final long timestamp)
    {
        if (sequence != expectedSequence)
        {
            verified = false;
        }
        expectedSequence = sequence + 1;
        if (latency)
        {
            final long now = System.nanoTime();
            if (block >= warmUpBlocks) // the warm-up blocks: the JIT's
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
            final long received = messages.getAsLong(); // the run of this transition included (both sides)
            blockMessages[block] = received - messagesAtBlockStart;
            messagesAtBlockStart = received;
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
        line.append(" blocks_messages=");
        for (int i = 0; i < block; i++)
        {
            line.append(i == 0 ? "" : ",").append(blockMessages[i]);
        }
        System.out.println(line);
        System.out.flush();
    }
}
