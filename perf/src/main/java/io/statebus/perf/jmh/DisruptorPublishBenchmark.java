package io.statebus.perf.jmh;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The floor that {@link PublishBenchmark} is compared with: the raw Disruptor's claim, write one long, publish
 * (no consumer; and with a consumer sequence advanced on the same thread, like a poll).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DisruptorPublishBenchmark
{
    static final class LongEvent
    {
        long value;
    }

    private RingBuffer<LongEvent> bare;
    private RingBuffer<LongEvent> gated;
    private final Sequence consumer = new Sequence();
    private long value;
    private long sink;

    @Setup(Level.Trial)
    public void setUp()
    {
        bare = RingBuffer.createSingleProducer(LongEvent::new, 65_536, new BusySpinWaitStrategy());
        gated = RingBuffer.createSingleProducer(LongEvent::new, 65_536, new BusySpinWaitStrategy());
        consumer.set(-1);
        gated.addGatingSequences(consumer);
    }

    @Benchmark
    public long publishNoConsumer()
    {
        final long seq = bare.next();
        bare.get(seq).value = value++;
        bare.publish(seq);
        return seq;
    }

    /** Publish, then read the event and advance the consumer sequence on the same thread. */
    @Benchmark
    public long publishAndConsume()
    {
        final long seq = gated.next();
        gated.get(seq).value = value++;
        gated.publish(seq);
        final long available = gated.getCursor();
        sink += gated.get(available).value;
        consumer.set(available);
        return sink;
    }
}
