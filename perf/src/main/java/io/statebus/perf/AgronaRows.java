package io.statebus.perf;

import com.lmax.disruptor.Sequence;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.broadcast.BroadcastBufferDescriptor;
import org.agrona.concurrent.broadcast.BroadcastReceiver;
import org.agrona.concurrent.broadcast.BroadcastTransmitter;

import java.nio.ByteBuffer;

import static io.statebus.perf.Harness.BATCH;
import static io.statebus.perf.Harness.MASK;
import static io.statebus.perf.Harness.RING;

/**
 * Agrona's broadcast buffer: one transmitter that never waits, receivers that are lapped when slow. Records carry
 * one long (the message index); a receiver counts what it missed from the jumps in the index. Needs
 * {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} (perf/run passes it).
 */
final class AgronaRows
{
    /** 8-byte header + 8-byte long: 16 bytes a record, so the buffer holds {@link Harness#RING} records. */
    private static final int RECORD = 16;

    private AgronaRows()
    {
    }

    static final class Receiver implements Runnable
    {
        final Sequence progress = new Sequence(0);
        final BroadcastReceiver receiver;
        final boolean spin;
        final int work;
        final long[] sendTimes;
        final Histogram histogram;
        volatile boolean running = true;
        long expected;
        long received;
        long missed;
        long torn;
        long errors;
        long sink;

        Receiver(final UnsafeBuffer buffer, final boolean spin, final int work, final long[] sendTimes,
            final Histogram histogram)
        {
            this.receiver = new BroadcastReceiver(buffer);
            this.spin = spin;
            this.work = work;
            this.sendTimes = sendTimes;
            this.histogram = histogram;
        }

        @Override
        public void run()
        {
            final BroadcastReceiver rx = receiver;
            while (running)
            {
                if (!rx.receiveNext())
                {
                    Harness.idle(spin);
                    continue;
                }
                final long v = rx.buffer().getLong(rx.offset());
                if (!rx.validate())
                {
                    torn++; // overwritten while we read it: counted as missed through the next index jump
                    continue;
                }
                if (histogram != null)
                {
                    histogram.recordValue(System.nanoTime() - sendTimes[(int)(v & MASK)]);
                }
                if (v > expected)
                {
                    missed += v - expected;
                }
                else if (v < expected)
                {
                    errors++;
                }
                received++;
                expected = v + 1;
                if (work > 0)
                {
                    sink += Harness.work(v, work);
                }
                progress.set(expected);
            }
        }
    }

    /** unicast, multicastN, mixed (receiver 1 slow) and latency. */
    static final class Broadcast extends LatencyBench
    {
        private final BroadcastTransmitter transmitter;
        private final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(8));
        private final Receiver[] receivers;
        private final boolean mixed;
        private long published;

        Broadcast(final int consumers, final boolean spin, final int slowWork, final boolean latency)
        {
            super("agrona");
            final UnsafeBuffer buffer = new UnsafeBuffer(
                ByteBuffer.allocateDirect(RING * RECORD + BroadcastBufferDescriptor.TRAILER_LENGTH));
            transmitter = new BroadcastTransmitter(buffer);
            mixed = slowWork > 0;
            receivers = new Receiver[consumers];
            for (int i = 0; i < consumers; i++)
            {
                receivers[i] = new Receiver(buffer, spin, i == 1 ? slowWork : 0, sendTimes, latency ? histogram : null);
            }
            for (final Receiver receiver : receivers)
            {
                threads.start(receiver);
            }
        }

        @Override
        long iteration(final long deadlineNanos)
        {
            final BroadcastTransmitter tx = transmitter;
            final UnsafeBuffer msg = message;
            long i = published;
            do
            {
                for (int k = 0; k < BATCH; k++)
                {
                    msg.putLong(0, i++);
                    tx.transmit(1, msg, 0, 8);
                }
            }
            while (System.nanoTime() < deadlineNanos);
            final long n = i - published;
            published = i;
            // a lapped receiver still ends on the last record: the transmitter stopped, so that one stays
            Harness.awaitProgress(receivers[0].progress, published, "agrona receiver");
            doneNanos = System.nanoTime();
            for (final Receiver receiver : receivers)
            {
                Harness.awaitProgress(receiver.progress, published, "agrona receiver");
            }
            return n;
        }

        @Override
        void send(final long count, final long intervalNanos) throws Exception
        {
            published = paced(published, count, intervalNanos);
            Harness.awaitProgress(receivers[0].progress, published, "agrona receiver");
        }

        @Override
        void sendOne(final long i)
        {
            message.putLong(0, i);
            transmitter.transmit(1, message, 0, 8);
        }

        @Override
        boolean verified()
        {
            // "every sequence once, in order": true only if no receiver was lapped
            boolean ok = true;
            for (final Receiver receiver : receivers)
            {
                ok &= receiver.errors == 0 && receiver.missed == 0 && receiver.received == published;
            }
            return ok;
        }

        @Override
        String notes()
        {
            final StringBuilder out = new StringBuilder("published=" + published);
            for (int i = 0; i < receivers.length; i++)
            {
                final Receiver r = receivers[i];
                out.append("; receiver ").append(i).append(mixed && i == 1 ? " (slow)" : "")
                    .append(": received=").append(r.received).append(" missed=").append(r.missed)
                    .append(" lapped=").append(r.receiver.lappedCount()).append(" torn=").append(r.torn)
                    .append(" order errors=").append(r.errors);
            }
            return out.toString();
        }

        @Override
        public void close()
        {
            for (final Receiver receiver : receivers)
            {
                receiver.running = false;
            }
        }
    }
}
