package io.statebus.perf.jmh;

import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.Subscription;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Single-threaded cost of one publish and one poll, and their allocation with {@code -prof gc}
 * (gc.alloc.rate.norm, bytes/op). The buses are built once per trial, on the benchmark thread (a single-producer
 * bus belongs to the first thread that publishes). {@code waitStrategy}: the handler-thread wait strategy; with
 * {@code blocking} (the builder's default) each publish also reads how many handler threads wait on it, and
 * signals it only if one does (here none does, so it never signals).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PublishBenchmark
{
    /** Two states: the benchmarks alternate between them, as setting the current value again publishes nothing. */
    public enum Phase
    {
        UP, DOWN
    }

    @Param({"busy-spin", "blocking"})
    public String waitStrategy;

    private StateBus<Phase> bare;
    private StateBus<Phase> polled;
    private Subscription<Phase> subscription;
    private final Sink sink = new Sink();
    private boolean up;

    /** Keeps what it receives in a field, so the JIT cannot drop the delivery. */
    static final class Sink implements TransitionHandler<Phase>
    {
        long sequence;
        /** The new state's ordinal: a primitive, as the raw Disruptor's handler keeps its event's {@code long}. */
        int to;

        @Override
        public void onTransition(final Transition<Phase> transition, final boolean endOfBatch)
        {
            sequence = transition.sequence();
            to = transition.to().ordinal();
        }
    }

    private WaitStrategy strategy()
    {
        return "blocking".equals(waitStrategy) ? new BlockingWaitStrategy() : new BusySpinWaitStrategy();
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        bare = StateBus.builder(Phase.DOWN).capacity(65_536).noClock().producerMode(ProducerMode.SINGLE)
            .waitStrategy(strategy()).build();
        polled = StateBus.builder(Phase.DOWN).capacity(65_536).noClock().producerMode(ProducerMode.SINGLE)
            .waitStrategy(strategy()).build();
        subscription = polled.subscribe(Policy.BLOCK);
        up = false;
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        bare.close();
        polled.close();
    }

    /** One set, no subscription: claim, write the slot, publish. */
    @Benchmark
    public long publishNoSubscription()
    {
        up = !up;
        return bare.set(up ? Phase.UP : Phase.DOWN);
    }

    /** One set, then one poll of the BLOCK subscription on the same thread (keeps the ring from filling). */
    @Benchmark
    public int publishAndPollBlock()
    {
        up = !up;
        polled.set(up ? Phase.UP : Phase.DOWN);
        return subscription.poll(sink, 16);
    }

    /** One poll that finds nothing: the idle cost of a poll loop. */
    @Benchmark
    public int pollEmpty()
    {
        return subscription.poll(sink, 16);
    }
}
