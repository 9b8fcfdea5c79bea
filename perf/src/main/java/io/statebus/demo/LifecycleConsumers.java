package io.statebus.demo;

import io.statebus.Awaited;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import io.statebus.agent.SubscriptionAgent;
import io.statebus.demo.ConnectionLifecycleDemo.ChainLogger;
import io.statebus.demo.ConnectionLifecycleDemo.ConditionWaiter;
import io.statebus.demo.ConnectionLifecycleDemo.Connection;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's consumers of one bus, started before the lifecycle is driven and stopped after: the drainer (a handler
 * thread), the logger (an Agrona agent), the CLOSED awaiter, and alongside them the lock + condition waiter.
 */
final class LifecycleConsumers
{
    final AtomicLong pending = new AtomicLong();
    final AtomicLong drains = new AtomicLong();
    final ChainLogger logger;
    final ConditionWaiter condition = new ConditionWaiter();
    final CompletableFuture<Awaited<Connection>> closed;
    private final Subscription<Connection> drainer;
    private final Subscription<Connection> logSubscription;
    private final AgentRunner loggerRunner;
    private final Thread conditionThread;

    /** Subscribes every consumer to {@code bus} and returns once all three have joined it. */
    LifecycleConsumers(final StateBus<Connection> bus)
    {
        // 1. drains pending requests on every entry into CLOSING: a dedicated handler thread, BLOCK
        drainer = bus.subscribe(Policy.BLOCK, (t, endOfBatch) ->
        {
            if (t.to() == Connection.CLOSING)
            {
                pending.set(0);
                drains.incrementAndGet();
            }
        });

        // 2. logs every transition: an Agrona agent on its own runner, BLOCK, checking the chain as it goes
        logger = new ChainLogger(bus.get());
        logSubscription = bus.subscribe(Policy.BLOCK);
        loggerRunner = new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace,
            null, new SubscriptionAgent<>("transition-logger", logSubscription, logger, 1024));
        AgentRunner.startOnThread(loggerRunner);

        // 3. awaits CLOSED (joins now, before the first transition)
        closed = awaitClosed(bus);
        while (bus.subscriptionCount() < 3)
        {
            Thread.onSpinWait(); // wait for the await to join before driving the lifecycle
        }

        // alongside: the usual lock + condition, and a waiter that wakes on every signal
        conditionThread = new Thread(condition::run, "condition-waiter");
        conditionThread.start();
    }

    private static CompletableFuture<Awaited<Connection>> awaitClosed(final StateBus<Connection> bus)
    {
        return CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return bus.await(Connection.CLOSED, 30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                throw new IllegalStateException(ex);
            }
        });
    }

    /** Waits until the drainer and the logger have all {@code published} transitions, then stops them and the bus. */
    void stop(final StateBus<Connection> bus, final long published) throws InterruptedException
    {
        while (drainer.position() < published || logSubscription.position() < published)
        {
            Thread.onSpinWait();
        }
        condition.finish();
        conditionThread.join();
        loggerRunner.close();
        bus.close();
        drainer.handlerThread().join(10_000);
    }
}
