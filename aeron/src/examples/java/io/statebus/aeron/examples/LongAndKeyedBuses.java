package io.statebus.aeron.examples;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.statebus.Awaited;
import io.statebus.KeyedStateBus;
import io.statebus.LongStateBus;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.aeron.MirrorReceiver;
import io.statebus.aeron.MirroredKeyedBus;
import io.statebus.aeron.MirroredLongBus;
import io.statebus.aeron.StateTable;
import io.statebus.aeron.TransitionBridge;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.SystemNanoClock;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The README's long and keyed example: a position ({@code LongStateBus}) and orders ({@code KeyedStateBus}) bridged on
 * one IPC stream under bus ids 2 and 3, mirrored by a receiver (here in the same process, with its own driver
 * directory; across processes it is the same code split in two, as in {@link SourceProcess} and
 * {@link MirrorProcess}). Args: {@code [aeronDir]}.
 */
public final class LongAndKeyedBuses
{
    /** An order's states. */
    public enum Order
    {
        /** Accepted, nothing filled. */
        NEW,
        /** Partly filled. */
        PARTIAL,
        /** Filled: final, the key retires. */
        FILLED,
        /** Canceled: final, the key retires. */
        CANCELED
    }

    private LongAndKeyedBuses()
    {
    }

    /**
     * @param args [aeronDir].
     * @throws InterruptedException if interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final String dir = args.length > 0 ? args[0] : "/dev/shm/statebus-demo-keyed";
        final String channel = "aeron:ipc";
        final StateTable<Order> orderStates = StateTable.forEnum(Order.class);
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir)
                .dirDeleteOnStart(true).dirDeleteOnShutdown(true).threadingMode(ThreadingMode.SHARED));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            LongStateBus position = StateBus.longBuilder(0).clock(SystemNanoClock.INSTANCE).build();
            KeyedStateBus<Order> orders = KeyedStateBus.builder(Order.class).maxKeys(10_000)
                .retireOn(Order.FILLED, Order.CANCELED).clock(SystemNanoClock.INSTANCE).build();
            MirrorReceiver receiver = new MirrorReceiver(aeron.addSubscription(channel, 1002)))
        {
            final ExclusivePublication publication = aeron.addExclusivePublication(channel, 1002);
            final TransitionBridge<Long> positionBridge = TransitionBridge.builder(position, publication)
                .busId(2).build();
            final TransitionBridge<Order> orderBridge = TransitionBridge.builder(orders, orderStates, publication)
                .busId(3).build();   // on the same stream: told apart by bus id
            final MirroredLongBus positionMirror = receiver.mirrorLong(2, b -> b.capacity(1024));
            final MirroredKeyedBus<Order> orderMirror = receiver.mirrorKeyed(3, orderStates,
                b -> b.maxKeys(10_000).retireOn(Order.FILLED, Order.CANCELED));   // the source's final states
            try (AgentRunner bridges = new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null,
                    new CompositeAgent(positionBridge, orderBridge));
                AgentRunner mirrors = new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null,
                    receiver))
            {
                AgentRunner.startOnThread(bridges);
                AgentRunner.startOnThread(mirrors);
                final LongStateBus remotePosition = positionMirror.awaitBus(Duration.ofSeconds(10));
                final KeyedStateBus<Order> remoteOrders = orderMirror.awaitBus(Duration.ofSeconds(10)); // a whole run
                final CountDownLatch filled = new CountDownLatch(1);
                remoteOrders.subscribe(Policy.BLOCK, key -> key == 42, (t, endOfBatch) ->
                {
                    System.out.println("mirror: order " + t.key() + " " + t.from() + " -> " + t.to());
                    if (t.to() == Order.FILLED)
                    {
                        filled.countDown();
                    }
                });

                orders.open(42, Order.NEW);
                for (long quantity = 10; quantity <= 100; quantity += 10)
                {
                    position.set(quantity);
                    orders.set(42, quantity < 100 ? Order.PARTIAL : Order.FILLED); // FILLED retires key 42
                }
                final Awaited<Long> full = remotePosition.await(v -> v >= 100, Duration.ofSeconds(10));
                System.out.println("mirror: position " + full.outcome() + " " + full.transition());
                final boolean isFilled = filled.await(10, TimeUnit.SECONDS);
                // the mirror retires key 42 just after it publishes FILLED, on its receiver's thread: a moment later
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (remoteOrders.isOpen(42) && System.nanoTime() < deadline)
                {
                    Thread.onSpinWait();
                }
                System.out.println("mirror: order 42 filled " + isFilled + ", open keys " + remoteOrders.openKeys());
            }
        }
    }
}
