package io.statebus.perf.jmh;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import io.statebus.LongStateBus;
import io.statebus.LongSubscription;
import io.statebus.LongTransition;
import io.statebus.LongTransitionHandler;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The {@code long-values} case, unicast, as a cost per transition on one thread: a {@link LongStateBus} (a price
 * in ticks: {@code set(long)}, then a BLOCK {@code poll}) next to the raw Disruptor carrying the same information,
 * an event of two longs {@code (from, to)} that the producer fills itself. Batches of {@value #BATCH}; each
 * {@code ...Publish} benchmark is the publishing half of its {@code ...PublishAndDrain} twin. Both handlers keep
 * the sequence, {@code from} and {@code to}. Single producer, no clock, busy-spin, as {@link DrainBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class LongValuesBenchmark
{
    static final int BATCH = 64;

    /** The raw Disruptor's event: the transition's two longs. */
    static final class TwoLongs
    {
        long from;
        long to;
    }

    /** Keeps what it receives in fields, so the JIT cannot drop the delivery. */
    static final class Sink implements LongTransitionHandler
    {
        long sequence;
        long from;
        long to;

        @Override
        public void onTransition(final LongTransition transition, final boolean endOfBatch)
        {
            sequence = transition.sequence();
            from = transition.from();
            to = transition.to();
        }
    }

    /** Ring size (a parameter so that JMH's table has a parameter column, as the tools reading it expect). */
    @Param("65536")
    public int capacity;

    private LongStateBus bus;
    private LongStateBus bare;
    private LongSubscription subscription;
    private final Sink sink = new Sink();
    private long price = 10_000;

    private RingBuffer<TwoLongs> ring;
    private RingBuffer<TwoLongs> rawBare;
    private SequenceBarrier barrier;
    private final Sequence consumer = new Sequence(-1);
    private long rawPrice = 10_000;
    private long rawSequence;
    private long rawFrom;
    private long rawTo;

    @Setup(Level.Trial)
    public void setUp()
    {
        bus = StateBus.longBuilder(price).capacity(capacity).producerMode(ProducerMode.SINGLE)
            .waitStrategy(new BusySpinWaitStrategy()).build();
        bare = StateBus.longBuilder(price).capacity(capacity).producerMode(ProducerMode.SINGLE)
            .waitStrategy(new BusySpinWaitStrategy()).build();
        subscription = bus.subscribe(Policy.BLOCK);
        ring = RingBuffer.createSingleProducer(TwoLongs::new, capacity, new BusySpinWaitStrategy());
        rawBare = RingBuffer.createSingleProducer(TwoLongs::new, capacity, new BusySpinWaitStrategy());
        barrier = ring.newBarrier();
        ring.addGatingSequences(consumer);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        bus.close();
        bare.close();
    }

    /** {@value #BATCH} sets on a bus with no subscription. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void statebusLongPublish()
    {
        publish(bare);
    }

    /** {@value #BATCH} sets, then polls until all are delivered. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long statebusLongPublishAndDrain()
    {
        publish(bus);
        int delivered = 0;
        while (delivered < BATCH)
        {
            delivered += subscription.poll(sink, Integer.MAX_VALUE);
        }
        return sink.sequence + sink.from + sink.to;
    }

    /** {@value #BATCH} raw claim, write (from, to), publish. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rawTwoLongsPublish()
    {
        publish(rawBare);
    }

    /** {@value #BATCH} raw publishes, then a batch processor's loop on the same thread. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawTwoLongsPublishAndDrain() throws AlertException, InterruptedException, TimeoutException
    {
        publish(ring);
        long next = consumer.get() + 1;
        final long last = ring.getCursor();
        while (next <= last)
        {
            final long available = barrier.waitFor(next);
            for (long s = next; s <= available; s++)
            {
                final TwoLongs event = ring.get(s);
                rawSequence = s;
                rawFrom = event.from;
                rawTo = event.to;
            }
            consumer.set(available);
            next = available + 1;
        }
        return rawSequence + rawFrom + rawTo;
    }

    /** A price moving one tick up or down: every set publishes. */
    private void publish(final LongStateBus bus)
    {
        for (int i = 0; i < BATCH; i++)
        {
            price += (i & 1) == 0 ? 1 : -1 + 2 * (i >> 5 & 1);
            bus.set(price);
        }
    }

    private void publish(final RingBuffer<TwoLongs> ring)
    {
        for (int i = 0; i < BATCH; i++)
        {
            final long next = rawPrice + ((i & 1) == 0 ? 1 : -1 + 2 * (i >> 5 & 1));
            final long seq = ring.next();
            final TwoLongs event = ring.get(seq);
            event.from = rawPrice;
            event.to = next;
            ring.publish(seq);
            rawPrice = next;
        }
    }
}
