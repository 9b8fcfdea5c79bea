package io.statebus.perf.jmh;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import io.statebus.KeyedStateBus;
import io.statebus.KeyedSubscription;
import io.statebus.KeyedTransitionHandler;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.perf.jmh.PublishBenchmark.Phase;
import org.agrona.collections.Hashing;
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

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Issue 16's {@code keyed} case, cost per transition on one thread: one producer changes 10,000 entities round-robin
 * and three consumers drain after each batch of {@value #BATCH}. StateBus's keyed bus (three {@code BLOCK}
 * subscriptions) against the raw Disruptor carrying {@code (key, from, to)} in its events (the producer keeps each
 * key's state in an {@code int[]} indexed by the key, three gating sequences and barriers) and against the hand-made
 * answer: a {@link ConcurrentHashMap} of states and one bounded {@link ArrayBlockingQueue} per consumer. A reference,
 * {@link #rawKeyedHashed}, is the raw ring with its states in a hash map; {@link KeyedSplitBenchmark} has the sets
 * alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyedBenchmark
{
    static final int BATCH = 64;
    static final int KEYS = 10_000;
    private static final Phase[] STATES = Phase.values();

    private KeyedStateBus<Phase> bus;
    private KeyedSubscription<Phase>[] subs;
    private final KeyedTransitionHandler<Phase> sink = (t, end) -> this.consumed += t.key() + t.to().ordinal();

    private RingBuffer<KeyedEvent> ring;
    private final Sequence[] rawConsumers = {new Sequence(), new Sequence(), new Sequence()};
    private SequenceBarrier rawBarrier;
    private final int[] rawStates = new int[KEYS];
    private final int[] busStates = new int[KEYS];

    private final ConcurrentHashMap<Long, Phase> map = new ConcurrentHashMap<>();
    @SuppressWarnings("unchecked")
    private final ArrayBlockingQueue<Change>[] queues = new ArrayBlockingQueue[3];

    private long consumed;
    private int key;

    /** The raw ring's event: what a keyed transition carries. */
    public static final class KeyedEvent
    {
        long key;
        int from;
        int to;
    }

    /** The hand-made answer's message: one per transition and consumer queue, as such code usually has it. */
    record Change(long key, Phase from, Phase to)
    {
    }

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp()
    {
        bus = KeyedStateBus.builder(Phase.class).capacity(1024).maxKeys(KEYS).producerMode(ProducerMode.SINGLE)
            .waitStrategy(new BusySpinWaitStrategy()).build();
        subs = new KeyedSubscription[] {bus.subscribe(Policy.BLOCK), bus.subscribe(Policy.BLOCK),
            bus.subscribe(Policy.BLOCK)};
        ring = RingBuffer.createSingleProducer(KeyedEvent::new, 1024, new BusySpinWaitStrategy());
        ring.addGatingSequences(rawConsumers);
        rawBarrier = ring.newBarrier();
        for (int i = 0; i < 3; i++)
        {
            queues[i] = new ArrayBlockingQueue<>(1024);
        }
        for (int k = 0; k < KEYS; k++)
        {
            bus.open(k, STATES[0]);
            map.put((long)k, STATES[0]);
            if ((k & 511) == 511)
            {
                for (final KeyedSubscription<Phase> sub : subs)
                {
                    while (sub.poll(sink, 1024) > 0)
                    {
                        // drained: the opening transitions
                    }
                }
            }
        }
        for (final KeyedSubscription<Phase> sub : subs)
        {
            while (sub.poll(sink, 1024) > 0)
            {
                // drained
            }
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

    /** {@value #BATCH} sets over round-robin keys, then three BLOCK subscriptions polled dry. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long statebusKeyed()
    {
        for (int i = 0; i < BATCH; i++)
        {
            final int k = nextKey();
            final int to = busStates[k] ^ 1; // the producer's own logic knows the next state, as the raw one does
            busStates[k] = to;
            bus.set(k, STATES[to]);
        }
        for (final KeyedSubscription<Phase> sub : subs)
        {
            int got = 0;
            while (got < BATCH)
            {
                got += sub.poll(sink, Integer.MAX_VALUE);
            }
        }
        return consumed;
    }

    /** The raw Disruptor: each event carries key, from and to; three consumers on the same thread. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawKeyed() throws AlertException, InterruptedException, TimeoutException
    {
        for (int i = 0; i < BATCH; i++)
        {
            final int k = nextKey();
            final int from = rawStates[k];
            final int to = from ^ 1;
            rawStates[k] = to;
            publishRaw(ring, k, from, to);
        }
        drainRaw();
        return consumed;
    }

    /**
     * A reference, not the judged peer: {@link #rawKeyed} with the producer's states in an allocation-free
     * open-addressing {@link Long2LongHashMap} (Agrona's, presized for {@value #KEYS} keys at its default load
     * factor) instead of the {@code int[]} indexed by the key, which works only because this benchmark's keys are
     * 0..9,999. A bus that takes any {@code long} key must find its state by hashing it: this is the raw ring plus the
     * minimum lookup that contract needs (a get of the from, a put of the to).
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long rawKeyedHashed(final HashedStates hashed) throws AlertException, InterruptedException,
        TimeoutException
    {
        final Long2LongHashMap states = hashed.states;
        for (int i = 0; i < BATCH; i++)
        {
            final int k = nextKey();
            final int from = (int)states.get(k);
            final int to = from ^ 1;
            states.put(k, to);
            publishRaw(ring, k, from, to);
        }
        drainRaw();
        return consumed;
    }

    /** {@link #rawKeyedHashed}'s states, in their own state so that only its forks build the map. */
    @State(Scope.Thread)
    public static class HashedStates
    {
        final Long2LongHashMap states = presizedStates();
    }

    /** A map of every key's state (0), presized for {@value #KEYS} keys at Agrona's default load factor. */
    static Long2LongHashMap presizedStates()
    {
        final Long2LongHashMap states = new Long2LongHashMap((int)Math.ceil(KEYS / Hashing.DEFAULT_LOAD_FACTOR),
            Hashing.DEFAULT_LOAD_FACTOR, -1);
        for (int k = 0; k < KEYS; k++)
        {
            states.put(k, 0);
        }
        return states;
    }

    /** The raw producers' publish (here and in {@link KeyedSplitBenchmark}): one event of key, from and to. */
    static void publishRaw(final RingBuffer<KeyedEvent> ring, final long key, final int from, final int to)
    {
        final long seq = ring.next();
        final KeyedEvent event = ring.get(seq);
        event.key = key;
        event.from = from;
        event.to = to;
        ring.publish(seq);
    }

    /** The raw ring's three consumers, each drained to the cursor. */
    private void drainRaw() throws AlertException, InterruptedException, TimeoutException
    {
        for (final Sequence consumer : rawConsumers)
        {
            long next = consumer.get() + 1;
            final long last = ring.getCursor();
            while (next <= last)
            {
                final long available = rawBarrier.waitFor(next);
                for (long s = next; s <= available; s++)
                {
                    final KeyedEvent event = ring.get(s);
                    consumed += event.key + event.to;
                }
                consumer.set(available);
                next = available + 1;
            }
        }
    }

    /** The hand-made answer: a map of states and a bounded queue per consumer. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long mapAndQueues()
    {
        for (int i = 0; i < BATCH; i++)
        {
            final long k = nextKey();
            final Phase from = map.get(k);
            final Phase to = from == Phase.UP ? Phase.DOWN : Phase.UP;
            map.put(k, to);
            final Change change = new Change(k, from, to);
            for (final ArrayBlockingQueue<Change> queue : queues)
            {
                queue.offer(change);
            }
        }
        for (final ArrayBlockingQueue<Change> queue : queues)
        {
            Change change;
            while ((change = queue.poll()) != null)
            {
                consumed += change.key() + change.to().ordinal();
            }
        }
        return consumed;
    }

    static
    {
        if (STATES.length != 2)
        {
            throw new IllegalStateException("the benchmark flips between two states");
        }
    }
}
