package io.statebus.aeron.perf;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.logbuffer.BufferClaim;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import io.statebus.aeron.MirrorListener;
import io.statebus.aeron.MirrorReceiver;
import io.statebus.aeron.MirroredBus;
import io.statebus.aeron.StateTable;
import io.statebus.aeron.TransitionBridge;
import org.agrona.concurrent.SystemNanoClock;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The cost of one transition over Aeron IPC on one thread: the whole path (statebus: {@code set}, the bridge's duty
 * cycle, the receiver's, the mirror subscriber's poll; raw, {@code aeron}: the same bytes, runs as the bridge sends
 * them, {@code tryClaim}, write in place, commit, poll; {@code per_transition}: one 48-byte message each) runs on
 * the measuring thread in batches of 256 (or the batch given), so no core hop and no scheduling is measured, only the
 * work each system does per transition. A SHARED driver (backing off) moves the publication limit. Every system
 * stamps every transition with {@code System.nanoTime()}. Prints {@code RESULT statebus_ns=.. aeron_ns=..
 * statebus_cpu_ns=.. aeron_cpu_ns=.. per_transition_ns=.. per_transition_cpu_ns=..} per iteration (the order
 * reversed every other one): wall time and the thread's CPU time per transition.
 */
public final class OneThreadCost
{
    /** Transitions per round trip: 256 (the rows' batch), or 1 to cost a transition that goes alone, as in latency. */
    private static int batch = 256;
    /** 16 MiB terms: a window of about 87,000 messages, so the driver moving the limit is not what is measured. */
    private static final String CHANNEL = "aeron:ipc?term-length=16m";
    /**
     * The measuring thread's CPU time, next to the wall time: on a loaded machine the wall time also counts the time
     * the thread waited for a core, the CPU time does not (it still counts cache misses caused by the others).
     */
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private OneThreadCost()
    {
    }

    /**
     * @param args transitionsPerIteration iterations [batch, 256 unless given].
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final long perIteration = Long.parseLong(args[0]);
        final int iterations = Integer.parseInt(args[1]);
        batch = args.length > 2 ? Integer.parseInt(args[2]) : batch;
        try (OneThreadDriver driver = new OneThreadDriver("sbcost"))
        {
            final Aeron aeron = driver.aeron();
            final StatebusPath statebus = new StatebusPath(aeron);
            final RawPath runs = new RawPath(aeron, 2, true);
            final RawPath single = new RawPath(aeron, 3, false);
            for (int i = 0; i < iterations; i++)
            {
                final boolean forward = i % 2 == 0; // the order reversed every other iteration
                final long[] first = forward ? statebus.run(perIteration) : single.run(perIteration);
                final long[] rw = runs.run(perIteration);
                final long[] last = forward ? single.run(perIteration) : statebus.run(perIteration);
                final long[] sb = forward ? first : last;
                final long[] one = forward ? last : first;
                System.out.printf(java.util.Locale.ROOT, "RESULT iteration=%d statebus_ns=%.2f aeron_ns=%.2f " +
                    "statebus_cpu_ns=%.2f aeron_cpu_ns=%.2f per_transition_ns=%.2f per_transition_cpu_ns=%.2f " +
                    "verified=%s%n", i, sb[0] / (double)perIteration, rw[0] / (double)perIteration,
                    sb[1] / (double)perIteration, rw[1] / (double)perIteration, one[0] / (double)perIteration,
                    one[1] / (double)perIteration,
                    statebus.verified && runs.verified && single.verified ? "yes" : "no");
            }
        }
    }

    /** Source bus, bridge, IPC, receiver, mirror bus, BLOCK subscriber: one thread. */
    private static final class StatebusPath implements TransitionHandler<Wire.Phase>
    {
        private final StateBus<Wire.Phase> bus;
        private final TransitionBridge<Wire.Phase> bridge;
        private final MirrorReceiver receiver;
        private final io.statebus.Subscription<Wire.Phase> sub;
        private Wire.Phase state = Wire.Phase.PRE_OPEN;
        private long expected;
        private long received;
        boolean verified = true;

        StatebusPath(final Aeron aeron)
        {
            final Subscription aeronSub = aeron.addSubscription(CHANNEL, 1);
            final ExclusivePublication publication = aeron.addExclusivePublication(CHANNEL, 1);
            bus = StateBus.builder(Wire.Phase.PRE_OPEN).capacity(1024).producerMode(ProducerMode.SINGLE)
                .clock(SystemNanoClock.INSTANCE).build();
            bridge = TransitionBridge.builder(bus, StateTable.forEnum(Wire.Phase.class), publication)
                .busId(Wire.BUS_ID).build();
            receiver = new MirrorReceiver(aeronSub, null, new MirrorListener()
            {
            }, batch);
            final MirroredBus<Wire.Phase> mirrored = receiver.mirror(Wire.BUS_ID,
                StateTable.forEnum(Wire.Phase.class), b -> b.capacity(1024));
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (mirrored.bus() == null && System.nanoTime() < deadline)
            {
                bridge.doWork();
                receiver.doWork();
            }
            sub = mirrored.bus().subscribe(Policy.BLOCK);
            expected = sub.joinSequence() + 1;
        }

        /** @return {wall nanos, this thread's CPU nanos} for {@code count} transitions. */
        long[] run(final long count)
        {
            final long target = received + count;
            final long cpuStart = CPU.getCurrentThreadCpuTime();
            final long start = System.nanoTime();
            while (received < target)
            {
                for (int i = 0; i < batch; i++)
                {
                    state = state.next();
                    bus.set(state);
                }
                do
                {
                    bridge.doWork();
                    receiver.doWork();
                    sub.poll(this, batch);
                }
                while (expected <= bus.latestSequence());
            }
            return new long[] {System.nanoTime() - start, CPU.getCurrentThreadCpuTime() - cpuStart};
        }

        @Override
        public void onTransition(final Transition<Wire.Phase> t, final boolean endOfBatch)
        {
            verified &= t.sequence() == expected;
            expected = t.sequence() + 1;
            received++;
        }
    }

    /**
     * Raw Aeron, polled on the same thread ({@link RawSide}): the same bytes as the bridge ({@code runs}: each batch
     * in runs of the v4 layout as long as one message holds, as the bridge sends its batch: 56, 56, 56, 56 and 32 of
     * 256), or one 48-byte message per transition; claimed with tryClaim and written in place.
     */
    private static final class RawPath implements RowSink
    {
        private final ExclusivePublication publication;
        private final RawSide side;
        private final BufferClaim claim = new BufferClaim();
        private final int maxRun;
        private long sequence;
        private long expected = 1;
        private long received;
        boolean verified = true;

        RawPath(final Aeron aeron, final int streamId, final boolean runs)
        {
            side = new RawSide(aeron.addSubscription(CHANNEL, streamId), this);
            publication = aeron.addExclusivePublication(CHANNEL, streamId);
            maxRun = runs ? RunWords.maxRun(publication.maxPayloadLength()) : 1;
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (!publication.isConnected() && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
        }

        /** @return {wall nanos, this thread's CPU nanos} for {@code count} transitions. */
        long[] run(final long count)
        {
            final long target = received + count;
            final long cpuStart = CPU.getCurrentThreadCpuTime();
            final long start = System.nanoTime();
            while (received < target)
            {
                for (int done = 0; done < batch;)
                {
                    done += send(Math.min(batch - done, maxRun));
                }
                while (expected <= sequence)
                {
                    side.doWork();
                }
            }
            return new long[] {System.nanoTime() - start, CPU.getCurrentThreadCpuTime() - cpuStart};
        }

        /** Sends the next {@code run} transitions in one message. @return {@code run}. */
        private int send(final int run)
        {
            while (publication.tryClaim(RunWords.length(run), claim) <= 0)
            {
                side.doWork();
            }
            if (maxRun == 1)
            {
                RawMessage.write(claim.buffer(), claim.offset(), ++sequence); // the per-transition peer's stores
            }
            else
            {
                RunWords.writeFixed(claim.buffer(), claim.offset(), run, ++sequence);
                for (int i = 1; i < run; i++)
                {
                    RunWords.writeEntry(claim.buffer(), claim.offset(), i, ++sequence);
                }
            }
            claim.commit();
            return run;
        }

        @Override
        public void joined(final long joinSequence)
        {
        }

        @Override
        public void chainBroken()
        {
        }

        @Override
        public void onMessage(final long seq, final long timestamp)
        {
            verified &= seq == expected;
            expected = seq + 1;
            received++;
        }
    }
}
