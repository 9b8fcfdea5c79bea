package io.statebus.aeron.perf;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;

import java.util.Locale;

/**
 * The cost of one transition over Aeron IPC on one thread, as {@link OneThreadCost} measures it for a bus of states,
 * for a long or a keyed bus ({@code perIteration iterations kind}): statebus ({@link SourceBus} of the kind, its BLOCK
 * bridge, the {@link MirrorSide} of the kind) against raw Aeron sending the same bytes (in runs, {@link RawRunSender};
 * {@link RawSide}), both through the same {@link OneThreadPath} loop, systems alternating. A SHARED driver (backing
 * off) moves the publication limit. Prints {@code RESULT iteration=.. statebus_ns=.. aeron_ns=.. statebus_cpu_ns=..
 * aeron_cpu_ns=.. verified=..} per iteration, as {@link OneThreadCost} does, for {@link OneThreadRows}.
 */
public final class OneThreadKinds
{
    /** 16 MiB terms, as {@link OneThreadCost}'s: the driver moving the limit is not what is measured. */
    private static final String CHANNEL = "aeron:ipc?term-length=16m";

    private OneThreadKinds()
    {
    }

    /**
     * @param args transitionsPerIteration iterations kind (LONG, KEYED or STATES).
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final long perIteration = Long.parseLong(args[0]);
        final int iterations = Integer.parseInt(args[1]);
        final Wire.Kind kind = Wire.Kind.valueOf(args[2]);
        try (OneThreadDriver driver = new OneThreadDriver("sbkinds"))
        {
            final Aeron aeron = driver.aeron();
            final OneThreadPath statebus = statebus(aeron, kind);
            final OneThreadPath raw = raw(aeron, kind);
            for (int i = 0; i < iterations; i++)
            {
                final boolean statebusFirst = i % 2 == 0;
                final long[] first = (statebusFirst ? statebus : raw).run(perIteration);
                final long[] second = (statebusFirst ? raw : statebus).run(perIteration);
                final long[] sb = statebusFirst ? first : second;
                final long[] rw = statebusFirst ? second : first;
                System.out.printf(Locale.ROOT, "RESULT iteration=%d statebus_ns=%.2f aeron_ns=%.2f " +
                    "statebus_cpu_ns=%.2f aeron_cpu_ns=%.2f verified=%s%n", i, sb[0] / (double)perIteration,
                    rw[0] / (double)perIteration, sb[1] / (double)perIteration, rw[1] / (double)perIteration,
                    statebus.verified() && raw.verified() ? "yes" : "no");
            }
        }
    }

    /** Source bus, bridge, IPC, receiver, mirror bus, BLOCK subscriber, on stream 1: once the mirror's bus started. */
    private static OneThreadPath statebus(final Aeron aeron, final Wire.Kind kind)
    {
        final Subscription subscription = aeron.addSubscription(CHANNEL, 1);
        final ExclusivePublication publication = aeron.addExclusivePublication(CHANNEL, 1);
        final StateBusSender sender = new StateBusSender(publication, kind, false);
        final MirrorSide[] side = new MirrorSide[1];
        final OneThreadPath path = new OneThreadPath(sender, sink ->
        {
            side[0] = MirrorSide.of(kind, subscription, sink);
            return side[0]::doWork;
        });
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!side[0].trySubscribe())
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the mirror's bus did not start");
            }
            sender.pump();
            side[0].receiver.doWork();
        }
        return path;
    }

    /** The same bytes with tryClaim on stream 2, polled on the same thread. */
    private static OneThreadPath raw(final Aeron aeron, final Wire.Kind kind)
    {
        final Subscription subscription = aeron.addSubscription(CHANNEL, 2);
        final ExclusivePublication publication = aeron.addExclusivePublication(CHANNEL, 2);
        // the bridge sends each batch of 256 in runs as long as a message holds (42, ..., 42, 4 on IPC's default MTU):
        // so does its peer, its last run shortened when the batch ends (pump), its claim not
        final Sender sender = kind == Wire.Kind.STATES ? new RawSender(publication, kind) :
            new RawRunSender(publication, kind, RunWords.maxExtendedRun(kind, publication.maxPayloadLength()));
        final OneThreadPath path = new OneThreadPath(sender,
            sink -> new RawSide(subscription, sink)::doWork);
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!publication.isConnected())
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the raw publication did not connect");
            }
            Thread.onSpinWait();
        }
        return path;
    }
}
