package io.statebus.demo;

import com.lmax.disruptor.BlockingWaitStrategy;
import io.statebus.Awaited;
import io.statebus.StateBus;
import io.statebus.Transition;
import io.statebus.TransitionHandler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The connection lifecycle, driven at full speed, with three consumers that each need every transition:
 * one drains pending requests whenever the connection enters CLOSING (a handler thread), one logs every transition
 * (an Agrona agent), and one awaits CLOSED. A lock + condition waiter runs alongside to show what it misses.
 *
 * <pre>
 *   java -cp ... io.statebus.demo.ConnectionLifecycleDemo [cycles]
 * </pre>
 */
public final class ConnectionLifecycleDemo
{
    /** The states of a connection. */
    enum Connection
    {
        DISCONNECTED, CONNECTING, CONNECTED, CLOSING, CLOSED
    }

    private static final Connection[] CYCLE = {
        Connection.CONNECTING, Connection.CONNECTED, Connection.CLOSING, Connection.CLOSED, Connection.DISCONNECTED};

    private ConnectionLifecycleDemo()
    {
    }

    /**
     * Runs the demo.
     *
     * @param args optional: the number of lifecycle cycles (default 200,000).
     * @throws Exception if a consumer does not finish.
     */
    public static void main(final String[] args) throws Exception
    {
        final int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        final StateBus<Connection> bus = lifecycleBus();
        final LifecycleConsumers consumers = new LifecycleConsumers(bus);

        final long start = System.nanoTime();
        drive(bus, consumers, cycles);
        final long elapsed = System.nanoTime() - start;
        final long published = bus.latestSequence();
        final Awaited<Connection> firstClosed = consumers.closed.get(30, TimeUnit.SECONDS);
        final Awaited<Connection> alreadyDisconnected = bus.await(Connection.DISCONNECTED, 0, TimeUnit.SECONDS);
        consumers.stop(bus, published);

        final ChainLogger logger = consumers.logger;
        final AtomicLong drains = consumers.drains;
        System.out.printf("StateBus demo: the connection lifecycle, %,d cycles, %,d transitions in %.1f ms " +
            "(%.1f M transitions/s, each also signalled to a lock + condition)%n",
            cycles, published, elapsed / 1e6, published * 1e3 / elapsed);
        System.out.printf("  drainer (handler thread, BLOCK):  entered CLOSING %,d times, drained %,d times   %s%n",
            (long)cycles, drains.get(), drains.get() == cycles ? "OK" : "MISSED SOME");
        System.out.printf("  logger  (Agrona agent, BLOCK):    logged %,d transitions, chain breaks %d, first: %s   %s%n",
            logger.count, logger.chainBreaks, logger.first, logger.count == published && logger.chainBreaks == 0 ?
            "OK" : "WRONG");
        System.out.printf("  awaiter (await CLOSED):           %s; then await DISCONNECTED -> %s%n",
            firstClosed, alreadyDisconnected.outcome());
        System.out.printf("  lock + condition waiter:          saw CLOSING %,d of %,d times (%.2f%%): the rest came " +
            "and went while it slept%n", consumers.condition.closingSeen, (long)cycles,
            100.0 * consumers.condition.closingSeen / cycles);
        // what the bus promises, checked: perf/run reports a failed demo by this exit status
        final boolean ok = drains.get() == cycles && logger.count == published && logger.chainBreaks == 0 &&
            firstClosed.outcome() == Awaited.Outcome.MATCHED && firstClosed.transition().to() == Connection.CLOSED &&
            alreadyDisconnected.outcome() == Awaited.Outcome.ALREADY;
        if (!ok)
        {
            System.out.println("  demo: a promise above was broken");
            System.exit(1);
        }
    }

    /** The connection's bus: its allowed transitions, a blocking wait strategy for its handler threads. */
    private static StateBus<Connection> lifecycleBus()
    {
        return StateBus.builder(Connection.DISCONNECTED)
            .capacity(4096)
            .waitStrategy(new BlockingWaitStrategy())
            .allow(Connection.DISCONNECTED, Connection.CONNECTING)
            .allow(Connection.CONNECTING, Connection.CONNECTED, Connection.CLOSING)
            .allow(Connection.CONNECTED, Connection.CLOSING)
            .allow(Connection.CLOSING, Connection.CLOSED)
            .allow(Connection.CLOSED, Connection.DISCONNECTED)
            .build();
    }

    /** Drives {@code cycles} lifecycles at full speed, each transition also signalled to the lock + condition. */
    private static void drive(final StateBus<Connection> bus, final LifecycleConsumers consumers, final int cycles)
    {
        final AtomicLong pending = consumers.pending;
        final ConditionWaiter condition = consumers.condition;
        for (int c = 0; c < cycles; c++)
        {
            for (final Connection next : CYCLE)
            {
                if (next == Connection.CONNECTED)
                {
                    pending.incrementAndGet();
                }
                bus.set(next);
                condition.set(next);
            }
        }
    }

    /** Counts every transition and checks {@code from == previous to}; prints nothing on the hot path. */
    static final class ChainLogger implements TransitionHandler<Connection>
    {
        private Connection previous;
        long count;
        long chainBreaks;
        String first;

        ChainLogger(final Connection initial)
        {
            previous = initial;
        }

        @Override
        public void onTransition(final Transition<Connection> t, final boolean endOfBatch)
        {
            if (t.from() != previous)
            {
                chainBreaks++;
            }
            if (first == null)
            {
                first = t.toString();
            }
            previous = t.to();
            count++;
        }
    }

    /** The usual tool: a guarded field and signalAll; its waiter only ever sees the state when it wakes. */
    static final class ConditionWaiter
    {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private Connection state = Connection.DISCONNECTED;
        private boolean done;
        long closingSeen;

        void set(final Connection next)
        {
            lock.lock();
            try
            {
                state = next;
                changed.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }

        void run()
        {
            lock.lock();
            try
            {
                while (!done)
                {
                    if (state == Connection.CLOSING)
                    {
                        closingSeen++;
                    }
                    changed.awaitUninterruptibly();
                }
            }
            finally
            {
                lock.unlock();
            }
        }

        void finish()
        {
            lock.lock();
            try
            {
                done = true;
                changed.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }
    }
}
