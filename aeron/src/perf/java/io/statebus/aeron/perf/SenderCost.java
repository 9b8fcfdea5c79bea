package io.statebus.aeron.perf;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * The sending side's cost per transition on one thread, for a bus of states over Aeron IPC: what bounds the
 * {@code aeron-ipc} throughput row when the receiver keeps up (FINDINGS §13). StateBus ({@link StateBusSender}: the
 * source bus's {@code set} and its BLOCK bridge's duty cycle every 256) against raw Aeron sending the same bytes
 * ({@link RawRunSender}, runs as long as the bridge's: {@code meanRun}), each followed, every 256 transitions, by a
 * drain of its subscription that reads no fragment's bytes (so the receiving side costs both the same, near
 * nothing). Prints {@code RESULT iteration=.. statebus_cpu_ns=.. aeron_cpu_ns=..} per iteration, systems alternating.
 * {@code SenderCost transitionsPerIteration iterations [meanRun]}.
 */
public final class SenderCost
{
    private static final String CHANNEL = "aeron:ipc?term-length=16m";
    private static final FragmentHandler IGNORE = (buffer, offset, length, header) -> { };

    private SenderCost()
    {
    }

    /**
     * @param args transitionsPerIteration iterations [meanRun, default 51.2].
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final long perIteration = Long.parseLong(args[0]);
        final int iterations = Integer.parseInt(args[1]);
        final double meanRun = args.length > 2 ? Double.parseDouble(args[2]) : 51.2;
        try (OneThreadDriver driver = new OneThreadDriver("sbsend"))
        {
            final Aeron aeron = driver.aeron();
            final Subscription sbSub = aeron.addSubscription(CHANNEL, 1);
            final Sender statebus = new StateBusSender(aeron.addExclusivePublication(CHANNEL, 1), Wire.Kind.STATES,
                false);
            final Subscription rawSub = aeron.addSubscription(CHANNEL, 2);
            final ExclusivePublication rawPublication = aeron.addExclusivePublication(CHANNEL, 2);
            final Sender raw = new RawRunSender(rawPublication, Wire.Kind.STATES, meanRun);
            awaitConnected(sbSub, rawSub);
            final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (int i = 0; i < iterations; i++)
            {
                final boolean statebusFirst = i % 2 == 0;
                final long first = run(statebusFirst ? statebus : raw, statebusFirst ? sbSub : rawSub, perIteration,
                    threads);
                final long second = run(statebusFirst ? raw : statebus, statebusFirst ? rawSub : sbSub, perIteration,
                    threads);
                System.out.printf(Locale.ROOT, "RESULT iteration=%d statebus_cpu_ns=%.2f aeron_cpu_ns=%.2f%n", i,
                    (statebusFirst ? first : second) / (double)perIteration,
                    (statebusFirst ? second : first) / (double)perIteration);
            }
            statebus.close();
            raw.close();
        }
    }

    private static void awaitConnected(final Subscription... subscriptions)
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        for (final Subscription subscription : subscriptions)
        {
            while (!subscription.isConnected())
            {
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("a publication did not connect");
                }
                Thread.onSpinWait();
            }
        }
    }

    /** @return the thread's CPU nanoseconds for {@code transitions} sends and the drains between them. */
    private static long run(final Sender sender, final Subscription subscription, final long transitions,
        final ThreadMXBean threads)
    {
        final IdleStrategy idle = NoOpIdleStrategy.INSTANCE;
        final long start = threads.getCurrentThreadCpuTime();
        for (long t = 1; t <= transitions; t++)
        {
            sender.send(idle);
            if ((t & 255) == 0)
            {
                sender.pump();
                while (subscription.poll(IGNORE, 64) > 0)
                {
                    // drained: only the sending side is measured
                }
            }
        }
        sender.pump();
        while (subscription.poll(IGNORE, 64) > 0)
        {
            // drained
        }
        return threads.getCurrentThreadCpuTime() - start;
    }
}
