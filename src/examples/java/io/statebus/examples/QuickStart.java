package io.statebus.examples;

import io.statebus.Awaited;
import io.statebus.Gap;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import io.statebus.agent.SubscriptionAgent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

public class QuickStart {
    enum Connection { DISCONNECTED, CONNECTING, CONNECTED, CLOSING, CLOSED }

    public static void main(String[] args) throws Exception {
        StateBus<Connection> bus = StateBus.builder(Connection.DISCONNECTED)
            .capacity(1024)                                        // power of two, allocated now
            .allow(Connection.DISCONNECTED, Connection.CONNECTING) // optional transition table
            .allow(Connection.CONNECTING, Connection.CONNECTED, Connection.CLOSING)
            .allow(Connection.CONNECTED, Connection.CLOSING)
            .allow(Connection.CLOSING, Connection.CLOSED)
            .allow(Connection.CLOSED, Connection.DISCONNECTED)
            .build();

        // 1. a handler thread (Disruptor WaitStrategy), told where each batch ends
        Subscription<Connection> drainer = bus.subscribe(Policy.BLOCK, (t, endOfBatch) -> {
            if (t.to() == Connection.CLOSING) System.out.println("drain pending requests");
        });

        // 2. a hot loop you drive, or an Agrona agent
        Subscription<Connection> log = bus.subscribe(Policy.GAP);
        AgentRunner logger = new AgentRunner(new BackoffIdleStrategy(),
            ex -> { if (!(ex instanceof AgentTerminationException)) ex.printStackTrace(); }, // terminated: bus closed
            null,
            new SubscriptionAgent<>("logger", log, new TransitionHandler<>() {
                public void onTransition(Transition<Connection> t, boolean end) { System.out.println("log " + t); }
                public void onGap(Gap<Connection> gap) { System.out.println("log missed " + gap); }
            }, 256));
        AgentRunner.startOnThread(logger);

        // 3. wait for a state without ever missing it: register first, then publish
        ExecutorService executor = Executors.newSingleThreadExecutor();
        CompletableFuture<Transition<Connection>> closed =
            bus.awaitAsync(s -> s == Connection.CLOSED, 5, TimeUnit.SECONDS, executor);

        // the producer
        bus.set(Connection.CONNECTING);                           // returns the transition's sequence
        bus.compareAndSet(Connection.CONNECTING, Connection.CONNECTED);
        bus.trySet(Connection.CLOSING, 1, TimeUnit.MILLISECONDS); // gives up under back-pressure, changing nothing
        bus.set(Connection.CLOSED);
        Connection now = bus.get();                               // wait-free

        Transition<Connection> first = closed.get();              // the first CLOSED, even if it lasted one step
        Awaited<Connection> already = bus.await(Connection.CLOSED, 5, TimeUnit.SECONDS); // the current state: at once

        bus.close();                    // handler threads and agents deliver what was published, then end
        logger.thread().join();         // the agent stops its runner once it has delivered everything
        logger.close();
        drainer.handlerThread().join();
        executor.shutdown();
        System.out.println("awaitAsync: " + first + "; await: " + already + "; now " + now);
    }
}
