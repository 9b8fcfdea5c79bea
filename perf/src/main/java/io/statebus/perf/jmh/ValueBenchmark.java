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
import io.statebus.ValueStateBus;
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
 * Reference values (issue 16, reported without a target), cost per transition on one thread: a
 * {@link ValueStateBus} of prices as objects ({@code set}, then a BLOCK {@code poll}) next to the raw Disruptor
 * carrying the same information, an event of two references {@code (from, to)} that the producer fills itself.
 * The producer cycles through 64 preallocated prices, so neither side allocates; {@code equals} decides the
 * statebus no-op (a price record's), as a value bus must. Single producer, no clock, busy-spin, batches of
 * {@value #BATCH}, as {@link LongValuesBenchmark}. Not the same barrier work on both sides: the raw ring's events
 * stay young here and skip G1's fence per reference stored, which the bus's references array, born old, pays
 * ({@link ValueAgedBenchmark} ages both).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ValueBenchmark
{
    static final int BATCH = 64;

    /** A price as an object, with equals. */
    record Price(long ticks)
    {
    }

    /** The raw Disruptor's event: the transition's two references. */
    static final class TwoRefs
    {
        Price from;
        Price to;
    }

    /** Keeps what it receives in fields, so the JIT cannot drop the delivery. */
    static final class Sink implements TransitionHandler<Price>
    {
        long sequence;
        Price from;
        Price to;

        @Override
        public void onTransition(final Transition<Price> transition, final boolean endOfBatch)
        {
            sequence = transition.sequence();
            from = transition.from();
            to = transition.to();
        }
    }

    /** Ring size (a parameter so that JMH's table has a parameter column, as the tools reading it expect). */
    @Param("65536")
    public int capacity;

    private final Price[] prices = new Price[64];
    private int next;
    private ValueStateBus<Price> bus;
    private ValueStateBus<Price> bare;
    private Subscription<Price> subscription;
    private final Sink sink = new Sink();

    private RingBuffer<TwoRefs> ring;
    private RingBuffer<TwoRefs> rawBare;
    private SequenceBarrier barrier;
    private final Sequence consumer = new Sequence(-1);
    private Price rawCurrent;
    private long rawSequence;
    private Price rawFrom;
    private Price rawTo;

    @Setup(Level.Trial)
    public void setUp()
    {
        for (int i = 0; i < prices.length; i++)
        {
            prices[i] = new Price(10_000 + i);
        }
        bus = StateBus.valueBuilder(prices[0]).capacity(capacity).producerMode(ProducerMode.SINGLE)
            .waitStrategy(new BusySpinWaitStrategy()).build();
        bare = StateBus.valueBuilder(prices[0]).capacity(capacity).producerMode(ProducerMode.SINGLE)
            .waitStrategy(new BusySpinWaitStrategy()).build();
        subscription = bus.subscribe(Policy.BLOCK);
        ring = RingBuffer.createSingleProducer(TwoRefs::new, capacity, new BusySpinWaitStrategy());
        rawBare = RingBuffer.createSingleProducer(TwoRefs::new, capacity, new BusySpinWaitStrategy());
        barrier = ring.newBarrier();
        ring.addGatingSequences(consumer);
        rawCurrent = prices[0];
        afterSetUp();
    }

    /** The end of the set-up: nothing here; {@link ValueAgedBenchmark} ages the heap. */
    void afterSetUp()
    {
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
    public void statebusValuePublish()
    {
        publish(bare);
    }

    /** {@value #BATCH} sets, then polls until all are delivered. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long statebusValuePublishAndDrain()
    {
        publish(bus);
        int delivered = 0;
        while (delivered < BATCH)
        {
            delivered += subscription.poll(sink, Integer.MAX_VALUE);
        }
        return sink.sequence + sink.from.ticks() + sink.to.ticks();
    }

    /** {@value #BATCH} raw claim, write (from, to), publish. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void rawTwoRefsPublish()
    {
        publish(rawBare);
    }

    /** {@value #BATCH} raw publishes, then a batch processor's loop on the same thread. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawTwoRefsPublishAndDrain() throws AlertException, InterruptedException, TimeoutException
    {
        publish(ring);
        long nextSequence = consumer.get() + 1;
        final long last = ring.getCursor();
        while (nextSequence <= last)
        {
            final long available = barrier.waitFor(nextSequence);
            for (long s = nextSequence; s <= available; s++)
            {
                final TwoRefs event = ring.get(s);
                rawSequence = s;
                rawFrom = event.from;
                rawTo = event.to;
            }
            consumer.set(available);
            nextSequence = available + 1;
        }
        return rawSequence + rawFrom.ticks() + rawTo.ticks();
    }

    /** The next of the preallocated prices, never the current one: every set publishes. */
    private Price nextPrice()
    {
        next = next + 1 & prices.length - 1;
        return prices[next];
    }

    private void publish(final ValueStateBus<Price> bus)
    {
        for (int i = 0; i < BATCH; i++)
        {
            bus.set(nextPrice());
        }
    }

    private void publish(final RingBuffer<TwoRefs> ring)
    {
        for (int i = 0; i < BATCH; i++)
        {
            final Price to = nextPrice();
            final long sequence = ring.next();
            final TwoRefs event = ring.get(sequence);
            event.from = rawCurrent;
            event.to = to;
            ring.publish(sequence);
            rawCurrent = to;
        }
    }
}
