package io.statebus.perf.jmh;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.Subscription;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
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
import org.openjdk.jmh.annotations.Param;
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

    /**
     * Every ring's size (one value; a parameter so that JMH's table has a parameter column, which the tools that
     * read {@code jmh.txt} expect, whether or not the run has other benchmarks).
     */
    @Param("65536")
    public int capacity;

    private StateBus<Phase> bus;
    private StateBus<Phase> bare;
    private StateBus<Phase> multiBus;
    private StateBus<Phase> multiBare;
    private Subscription<Phase> multiSubscription;
    private Subscription<Phase> subscription;
    /** Keeps the sequence and the new state, as {@link PublishBenchmark}'s handler does. */
    private final Sink sink = new Sink();
    /** Keeps the sequence and the new state's index. */
    private final IndexSink indexSink = new IndexSink();

    private RingBuffer<LongEvent> ring;
    private RingBuffer<LongEvent> rawBare;
    private SequenceBarrier barrier;
    private final Sequence consumer = new Sequence(-1);
    private RingBuffer<LongEvent> multiRing;
    private RingBuffer<LongEvent> multiRawBare;
    private SequenceBarrier multiBarrier;
    private final Sequence multiConsumer = new Sequence(-1);
    private long value;
    private long rawSequence;
    private long rawValue;

    @Setup(Level.Trial)
    public void setUp()
    {
        bus = StateBus.builder(Phase.DOWN).capacity(capacity).noClock().producerMode(ProducerMode.SINGLE)
            .waitStrategy(new BusySpinWaitStrategy()).build();
        bare = StateBus.builder(Phase.DOWN).capacity(capacity).noClock().producerMode(ProducerMode.SINGLE)
            .waitStrategy(new BusySpinWaitStrategy()).build();
        subscription = bus.subscribe(Policy.BLOCK);
        ring = RingBuffer.createSingleProducer(LongEvent::new, capacity, new BusySpinWaitStrategy());
        rawBare = RingBuffer.createSingleProducer(LongEvent::new, capacity, new BusySpinWaitStrategy());
        barrier = ring.newBarrier();
        ring.addGatingSequences(consumer);
        multiBus = StateBus.builder(Phase.DOWN).capacity(capacity).noClock().producerMode(ProducerMode.MULTI)
            .waitStrategy(new BusySpinWaitStrategy()).build();
        multiBare = StateBus.builder(Phase.DOWN).capacity(capacity).noClock().producerMode(ProducerMode.MULTI)
            .waitStrategy(new BusySpinWaitStrategy()).build();
        multiSubscription = multiBus.subscribe(Policy.BLOCK);
        multiRing = RingBuffer.createMultiProducer(LongEvent::new, capacity, new BusySpinWaitStrategy());
        multiRawBare = RingBuffer.createMultiProducer(LongEvent::new, capacity, new BusySpinWaitStrategy());
        multiBarrier = multiRing.newBarrier();
        multiRing.addGatingSequences(multiConsumer);
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        bus.close();
        bare.close();
        multiBus.close();
        multiBare.close();
    }

    /** {@value #BATCH} sets on a bus with no subscription: the publishing part of {@link #statebusPublishAndDrain}. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void statebusPublish()
    {
        publish(bare);
    }

    /** {@value #BATCH} sets, then polls until all {@value #BATCH} are delivered. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long statebusPublishAndDrain()
    {
        publish(bus);
        return drain(subscription);
    }

    /** {@link #statebusPublish} on a multi-producer bus (its lock, uncontended). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void statebusMultiPublish()
    {
        publish(multiBare);
    }

    /**
     * {@link #statebusPublishAndDrain} with a handler that reads the new state's index ({@code Transition.toIndex()})
     * instead of the state: the lookup behind {@code to()} left out, as an array-per-state handler would. A
     * reference beside the judged pair, not in its place.
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long statebusPublishAndDrainByIndex()
    {
        publish(bus);
        drain(subscription, indexSink);
        return indexSink.sequence;
    }

    /** {@link #statebusPublishAndDrain} on a multi-producer bus. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long statebusMultiPublishAndDrain()
    {
        publish(multiBus);
        return drain(multiSubscription);
    }

    /** {@value #BATCH} raw claim, write, publish: the publishing part of {@link #rawPublishAndDrain}. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rawPublish()
    {
        publish(rawBare);
    }

    /** {@value #BATCH} raw publishes, then a batch processor's loop on the same thread until all are consumed. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawPublishAndDrain() throws AlertException, InterruptedException, TimeoutException
    {
        publish(ring);
        return drain(ring, barrier, consumer);
    }

    /** {@link #rawPublish} on the Disruptor's multi-producer sequencer (uncontended). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rawMultiPublish()
    {
        publish(multiRawBare);
    }

    /** {@link #rawPublishAndDrain} on the Disruptor's multi-producer sequencer. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawMultiPublishAndDrain() throws AlertException, InterruptedException, TimeoutException
    {
        publish(multiRing);
        return drain(multiRing, multiBarrier, multiConsumer);
    }

    private static void publish(final StateBus<Phase> bus)
    {
        for (int i = 0; i < BATCH; i += 2)
        {
            bus.set(Phase.UP);
            bus.set(Phase.DOWN);
        }
    }

    private long drain(final Subscription<Phase> subscription)
    {
        drain(subscription, sink);
        return sink.sequence;
    }

    private static void drain(final Subscription<Phase> subscription, final TransitionHandler<Phase> handler)
    {
        int delivered = 0;
        while (delivered < BATCH)
        {
            delivered += subscription.poll(handler, Integer.MAX_VALUE);
        }
    }

    private void publish(final RingBuffer<LongEvent> ring)
    {
        for (int i = 0; i < BATCH; i++)
        {
            final long seq = ring.next();
            ring.get(seq).value = value++;
            ring.publish(seq);
        }
    }

    private long drain(final RingBuffer<LongEvent> ring, final SequenceBarrier barrier, final Sequence consumer)
        throws AlertException, InterruptedException, TimeoutException
    {
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

    /** A handler that keeps an array per state reads the index, not the state. */
    static final class IndexSink implements TransitionHandler<Phase>
    {
        long sequence;
        int to;

        @Override
        public void onTransition(final Transition<Phase> transition, final boolean endOfBatch)
        {
            sequence = transition.sequence();
            to = transition.toIndex();
        }
    }
}
