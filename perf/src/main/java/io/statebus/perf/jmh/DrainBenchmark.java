package io.statebus.perf.jmh;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import io.statebus.perf.jmh.DisruptorPublishBenchmark.LongEvent;
import io.statebus.perf.jmh.PublishBenchmark.Phase;
import io.statebus.perf.jmh.PublishBenchmark.Sink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The per-transition cost of delivery in a batch, on one thread, statebus next to the raw Disruptor: publish
 * {@value #BATCH} transitions, then drain them (a statebus {@code poll} of a BLOCK subscription; a raw barrier wait,
 * handler loop and sequence store, as a {@code BatchEventProcessor} does). The {@code publish} benchmarks measure
 * the publishing alone, so the difference of each pair is what delivery costs per transition. Both handlers read
 * what a user's would: the sequence and the new state (statebus), the sequence and the value (raw).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DrainBenchmark
{
    static final int BATCH = 64;

    private StateBus<Phase> bus;
    private StateBus<Phase> bare;
    private Subscription<Phase> subscription;
    /** Keeps the sequence and the new state, as {@link PublishBenchmark}'s handler does. */
    private final Sink sink = new Sink();

    private RingBuffer<LongEvent> ring;
    private RingBuffer<LongEvent> rawBare;
    private SequenceBarrier barrier;
    private final Sequence consumer = new Sequence(-1);
    private long value;
    private long rawSequence;
    private long rawValue;

    @Setup(Level.Trial)
    public void setUp()
    {
        bus = StateBus.builder(Phase.DOWN).capacity(65_536).noClock().waitStrategy(new BusySpinWaitStrategy()).build();
        bare = StateBus.builder(Phase.DOWN).capacity(65_536).noClock().waitStrategy(new BusySpinWaitStrategy()).build();
        subscription = bus.subscribe(Policy.BLOCK);
        ring = RingBuffer.createSingleProducer(LongEvent::new, 65_536, new BusySpinWaitStrategy());
        rawBare = RingBuffer.createSingleProducer(LongEvent::new, 65_536, new BusySpinWaitStrategy());
        barrier = ring.newBarrier();
        ring.addGatingSequences(consumer);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        bus.close();
        bare.close();
    }

    /** {@value #BATCH} sets on a bus with no subscription: the publishing part of {@link #statebusPublishAndDrain}. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void statebusPublish()
    {
        final StateBus<Phase> bus = bare;
        for (int i = 0; i < BATCH; i += 2)
        {
            bus.set(Phase.UP);
            bus.set(Phase.DOWN);
        }
    }

    /** {@value #BATCH} sets, then polls until all {@value #BATCH} are delivered. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long statebusPublishAndDrain()
    {
        final StateBus<Phase> bus = this.bus;
        for (int i = 0; i < BATCH; i += 2)
        {
            bus.set(Phase.UP);
            bus.set(Phase.DOWN);
        }
        int delivered = 0;
        while (delivered < BATCH)
        {
            delivered += subscription.poll(sink, Integer.MAX_VALUE);
        }
        return sink.sequence;
    }

    /** {@value #BATCH} raw claim, write, publish: the publishing part of {@link #rawPublishAndDrain}. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rawPublish()
    {
        final RingBuffer<LongEvent> ring = rawBare;
        for (int i = 0; i < BATCH; i++)
        {
            final long seq = ring.next();
            ring.get(seq).value = value++;
            ring.publish(seq);
        }
    }

    /** {@value #BATCH} raw publishes, then a batch processor's loop on the same thread until all are consumed. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawPublishAndDrain() throws AlertException, InterruptedException, TimeoutException
    {
        final RingBuffer<LongEvent> ring = this.ring;
        for (int i = 0; i < BATCH; i++)
        {
            final long seq = ring.next();
            ring.get(seq).value = value++;
            ring.publish(seq);
        }
        long next = consumer.get() + 1;
        final long last = ring.getCursor();
        while (next <= last)
        {
            final long available = barrier.waitFor(next);
            for (long s = next; s <= available; s++)
            {
                rawSequence = s;
                rawValue = ring.get(s).value;
            }
            consumer.set(available);
            next = available + 1;
        }
        return rawValue;
    }
}
