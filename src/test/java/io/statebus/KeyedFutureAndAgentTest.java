package io.statebus;

import com.lmax.disruptor.Sequence;
import io.statebus.agent.SubscriptionAgent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keyed bus, the remaining ways to consume: a future per key ({@code awaitAsync}), registered before it returns,
 * and an Agrona agent over a keyed subscription.
 */
@Timeout(30)
final class KeyedFutureAndAgentTest
{
    @Test
    void aFutureCompletesWithItsKeysFirstMatchAfterItRegistered() throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).build())
        {
            bus.open(1, Connection.DISCONNECTED);
            bus.open(2, Connection.DISCONNECTED);
            final CompletableFuture<Transition<Connection>> connected =
                bus.awaitAsync(1, s -> s == Connection.CONNECTED, Duration.ofSeconds(20), ForkJoinPool.commonPool());
            bus.set(2, Connection.CONNECTED); // another key: not an answer
            bus.set(1, Connection.CONNECTED); // registered before: seen even though it lasts one step
            final long expected = bus.latestSequence();
            bus.set(1, Connection.CLOSING);
            final Transition<Connection> t = connected.get(20, TimeUnit.SECONDS);
            assertThat(t.sequence()).isEqualTo(expected);
            assertThat(((KeyedTransition<Connection>)t).key()).isEqualTo(1);
            assertThat(bus.awaitAsync(2, s -> s == Connection.CONNECTED, Duration.ofSeconds(1),
                ForkJoinPool.commonPool()).get(10, TimeUnit.SECONDS).to()).isEqualTo(Connection.CONNECTED);
        }
    }

    @Test
    void anAgentDeliversAKeyedSubscriptionOnItsRunnersThread() throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).build())
        {
            final KeyedSubscription<Connection> orders = bus.subscribe(Policy.BLOCK);
            final List<String> seen = new CopyOnWriteArrayList<>();
            final SubscriptionAgent<Connection> agent = new SubscriptionAgent<>("orders", orders.subscription(),
                KeyedTransitionHandler.adapt((t, end) -> seen.add(t.key() + ":" + t.to())), 64);
            try (AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), ex -> { }, null, agent))
            {
                AgentRunner.startOnThread(runner);
                bus.open(7, Connection.DISCONNECTED);
                bus.set(7, Connection.CONNECTING);
                TestAwait.until(() -> seen.size() == 2, "the agent delivered both");
            }
            assertThat(seen).containsExactly("7:DISCONNECTED", "7:CONNECTING");
        }
    }

    @Test
    void anAgentWithAKeyFilterDeliversOnlyItsKeysAndConsumesTheOthers() throws Exception
    {
        try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).build())
        {
            final KeyedSubscription<Connection> orders = bus.subscribe(Policy.BLOCK);
            final List<String> seen = new CopyOnWriteArrayList<>();
            final SubscriptionAgent<Connection> agent = new SubscriptionAgent<>("desk-7", orders.subscription(),
                KeyedTransitionHandler.adapt((t, end) -> seen.add(t.key() + ":" + t.to()), key -> key == 7), 64);
            try (AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), ex -> { }, null, agent))
            {
                AgentRunner.startOnThread(runner);
                bus.open(7, Connection.DISCONNECTED);
                bus.open(8, Connection.DISCONNECTED);
                bus.set(8, Connection.CONNECTING);
                bus.set(7, Connection.CONNECTING);
                TestAwait.until(() -> orders.position() == bus.latestSequence(), "the agent consumed all four");
            }
            assertThat(seen).containsExactly("7:DISCONNECTED", "7:CONNECTING");
            assertThat(orders.delivered()).isEqualTo(4);
        }
    }
    /**
     * A program whose only bus is keyed never touches {@link StateBus} (whose class initializer connects the agent
     * to the engine): its agent still delivers what was published, then stops its runner when the bus closes. Run
     * in a class loader of its own, where no other test has initialized StateBus yet.
     */
    @Test
    void anAgentOfAProgramWithOnlyAKeyedBusStopsItsRunnerWhenTheBusCloses() throws Exception
    {
        final URL[] path = Stream.of(StateBus.class, KeyedBusAlone.class, AgentRunner.class, Sequence.class)
            .map(type -> type.getProtectionDomain().getCodeSource().getLocation()).distinct().toArray(URL[]::new);
        try (URLClassLoader fresh = new URLClassLoader(path, ClassLoader.getPlatformClassLoader()))
        {
            final Object alone = fresh.loadClass(KeyedBusAlone.class.getName()).getConstructor().newInstance();
            assertThat(alone).isNotInstanceOf(KeyedBusAlone.class); // its own copy of the library, StateBus untouched
            assertThat(((Callable<?>)alone).call()).isEqualTo("delivered 1, then AgentTerminationException");
        }
    }

    /** The keyed-only program, loaded by the test's own class loader: only the library and the JDK. */
    public static final class KeyedBusAlone implements Callable<String>
    {
        @Override
        public String call()
        {
            try (KeyedStateBus<Connection> bus = KeyedStateBus.builder(Connection.class).build())
            {
                final SubscriptionAgent<Connection> agent = new SubscriptionAgent<>("alone",
                    bus.subscribe(Policy.BLOCK).subscription(), KeyedTransitionHandler.adapt((t, end) -> { }), 64);
                bus.open(1, Connection.DISCONNECTED);
                bus.close();
                final int delivered = agent.doWork();
                try
                {
                    agent.doWork();
                    return "delivered " + delivered + ", then no termination";
                }
                catch (final RuntimeException ex)
                {
                    return "delivered " + delivered + ", then " + ex.getClass().getSimpleName();
                }
            }
        }
    }
}
