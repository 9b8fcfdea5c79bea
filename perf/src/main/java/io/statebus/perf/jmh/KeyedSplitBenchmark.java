package io.statebus.perf.jmh;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import io.statebus.KeyedStateBus;
import io.statebus.ProducerMode;
import io.statebus.perf.jmh.KeyedBenchmark.KeyedEvent;
import io.statebus.perf.jmh.PublishBenchmark.Phase;
import org.agrona.collections.Long2LongHashMap;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.concurrent.TimeUnit;

import static io.statebus.perf.jmh.KeyedBenchmark.BATCH;
import static io.statebus.perf.jmh.KeyedBenchmark.KEYS;

/**
 * References that split {@link KeyedBenchmark}'s cost: the producer's {@value KeyedBenchmark#BATCH} sets over
 * {@value KeyedBenchmark#KEYS} round-robin keys alone, with no consumer. The keyed bus set up as there (same
 * capacity, maxKeys, producer mode and wait strategy, every key opened) but with no subscription; the raw Disruptor's
 * producer on a ring with no gating sequence, its states in the {@code int[]} indexed by the key
 * ({@link KeyedBenchmark#rawKeyed}'s) or in the hash map a bus of any {@code long} key needs
 * ({@link KeyedBenchmark#rawKeyedHashed}'s). Subtracted from the full benchmarks, what is left is the three polls.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyedSplitBenchmark
{
    private static final Phase[] STATES = Phase.values();

    private KeyedStateBus<Phase> bus;
    private RingBuffer<KeyedEvent> ring;
    private final int[] busStates = new int[KEYS];
    private final int[] rawStates = new int[KEYS];
    private final Long2LongHashMap hashedStates = KeyedBenchmark.presizedStates();
    private int key;

    @Setup(Level.Trial)
    public void setUp()
    {
        bus = KeyedStateBus.builder(Phase.class).capacity(1024).maxKeys(KEYS).producerMode(ProducerMode.SINGLE)
            .waitStrategy(new BusySpinWaitStrategy()).build();
        ring = RingBuffer.createSingleProducer(KeyedEvent::new, 1024, new BusySpinWaitStrategy());
        for (int k = 0; k < KEYS; k++)
        {
            bus.open(k, STATES[0]);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        bus.close();
    }

    private int nextKey()
    {
        final int k = key;
        key = k == KEYS - 1 ? 0 : k + 1;
        return k;
    }

    /** {@link KeyedBenchmark#statebusKeyed}'s {@value KeyedBenchmark#BATCH} sets, on a bus with no subscription. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public KeyedStateBus<Phase> statebusKeyedSetOnly()
    {
        for (int i = 0; i < BATCH; i++)
        {
            final int k = nextKey();
            final int to = busStates[k] ^ 1;
            busStates[k] = to;
            bus.set(k, STATES[to]);
        }
        return bus;
    }

    /** {@link KeyedBenchmark#rawKeyed}'s producer (states in the {@code int[]}), on a ring with no consumer. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawKeyedSetOnly()
    {
        for (int i = 0; i < BATCH; i++)
        {
            final int k = nextKey();
            final int from = rawStates[k];
            final int to = from ^ 1;
            rawStates[k] = to;
            KeyedBenchmark.publishRaw(ring, k, from, to);
        }
        return ring.getCursor();
    }

    /** {@link KeyedBenchmark#rawKeyedHashed}'s producer (states in the hash map), on a ring with no consumer. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawKeyedHashedSetOnly()
    {
        for (int i = 0; i < BATCH; i++)
        {
            final int k = nextKey();
            final int from = (int)hashedStates.get(k);
            final int to = from ^ 1;
            hashedStates.put(k, to);
            KeyedBenchmark.publishRaw(ring, k, from, to);
        }
        return ring.getCursor();
    }
}
