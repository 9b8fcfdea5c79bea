package io.statebus.examples;

import io.statebus.Awaited;
import io.statebus.PendingAwait;
import io.statebus.StateBus;

import java.time.Duration;

public class RegisterThenWait {
    enum Connection { DISCONNECTED, CONNECTING, CONNECTED, CLOSING, CLOSED }

    public static void main(String[] args) throws Exception {
        try (StateBus<Connection> bus = StateBus.builder(Connection.CONNECTED).build()) {
            PendingAwait<Connection> closing = bus.prepareAwait(Connection.CLOSING); // joined now
            Thread worker = new Thread(() -> {                                       // any thread may publish
                bus.set(Connection.CLOSING);                                         // lasts one step
                bus.set(Connection.CLOSED);
            });
            worker.start();
            Awaited<Connection> r = closing.await(Duration.ofSeconds(5));           // never misses CLOSING
            worker.join();
            System.out.println(r.outcome() + " " + r.transition());                 // MATCHED #1 CONNECTED -> CLOSING
        }
    }
}
