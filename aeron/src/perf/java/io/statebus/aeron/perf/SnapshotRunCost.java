package io.statebus.aeron.perf;

import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.statebus.KeyedStateBus;
import io.statebus.aeron.MirrorReceiver;
import io.statebus.aeron.MirroredKeyedBus;
import io.statebus.aeron.StateTable;
import io.statebus.aeron.TransitionBridge;
import io.statebus.aeron.perf.Wire.Phase;

import java.time.Duration;
import java.util.Locale;

/**
 * What one keyed snapshot run costs on one thread, the bridge and a live mirror pumped in turn over IPC with no
 * transition: a source of {@code KEYS} open keys, a bridge whose snapshot interval is 2 ms, and for {@code SECONDS}
 * after a warm-up the time spent in duty cycles that did work (sending or reading a run), over the runs sent.
 * That is how long a run keeps the bridge from its bus and the mirror from other messages, once a snapshot interval.
 *
 * <p>{@code SnapshotRunCost [KEYS] [SECONDS]} (defaults 10,000 and 5); run it as {@code aeron/perf-rows} runs
 * {@code AeronRows}, under the machine's lock.
 */
public final class SnapshotRunCost
{
    private SnapshotRunCost()
    {
    }

    /**
     * @param args KEYS, SECONDS.
     * @throws Exception on failure.
     */
    public static void main(final String[] args) throws Exception
    {
        final int keys = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        final int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final StateTable<Phase> states = StateTable.forEnum(Phase.class);
        try (OneThreadDriver driver = new OneThreadDriver("runcost");
            KeyedStateBus<Phase> source = KeyedStateBus.builder(Phase.class).maxKeys(keys).build())
        {
            for (int key = 0; key < keys; key++)
            {
                source.open(key, Phase.ofRound(key % 3));
            }
            final String channel = "aeron:ipc?term-length=1m";
            final ExclusivePublication publication = driver.aeron().addExclusivePublication(channel, Wire.STREAM_ID);
            final Subscription subscription = driver.aeron().addSubscription(channel, Wire.STREAM_ID);
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, states, publication)
                .snapshotInterval(Duration.ofMillis(2)).build();
            final MirrorReceiver receiver = new MirrorReceiver(subscription);
            final MirroredKeyedBus<Phase> mirrored = receiver.mirrorKeyed(0, states, b -> b.maxKeys(keys));
            pump(bridge, receiver, 3);
            if (mirrored.bus() == null || mirrored.bus().openKeys() != keys)
            {
                throw new IllegalStateException("the mirror did not start from a whole run");
            }
            final long runsBefore = bridge.snapshots();
            final long busy = pump(bridge, receiver, seconds);
            final long runs = bridge.snapshots() - runsBefore;
            System.out.printf(Locale.ROOT, "keys %d, runs %d in %d s: %.1f us a run (%.1f ns a key), busy %.1f %%%n",
                keys, runs, seconds, busy / 1e3 / runs, (double)busy / runs / keys, 100.0 * busy / (seconds * 1e9));
            bridge.close();
            receiver.close();
        }
    }

    /** @return the nanoseconds spent in duty cycles that did work, over {@code seconds}. */
    private static long pump(final TransitionBridge<Phase> bridge, final MirrorReceiver receiver, final int seconds)
        throws Exception
    {
        final long end = System.nanoTime() + seconds * 1_000_000_000L;
        long busy = 0;
        long now = System.nanoTime();
        while (now - end < 0)
        {
            final int work = bridge.doWork() + receiver.doWork();
            final long after = System.nanoTime();
            busy += work > 0 ? after - now : 0;
            now = after;
        }
        return busy;
    }
}
