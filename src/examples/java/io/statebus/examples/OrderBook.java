package io.statebus.examples;

import io.statebus.KeyedStateBus;
import io.statebus.KeyedSubscription;
import io.statebus.Policy;

public class OrderBook {
    enum Order { NEW, PARTIALLY_FILLED, FILLED, CANCELED, REJECTED }

    public static void main(String[] args) {
        try (KeyedStateBus<Order> orders = KeyedStateBus.builder(Order.class)
                .maxKeys(100_000)                                      // open orders at once: a 4 MiB table
                .retireOn(Order.FILLED, Order.CANCELED, Order.REJECTED) // final: the key leaves the table
                .build()) {
            KeyedSubscription<Order> risk = orders.subscribe(Policy.BLOCK);          // every order, one order
            KeyedSubscription<Order> desk = orders.subscribe(Policy.GAP, id -> id >= 2_000); // only some

            orders.open(1_001, Order.NEW);                  // publishes NEW -> NEW for order 1001
            orders.open(2_002, Order.NEW);
            orders.set(1_001, Order.PARTIALLY_FILLED);
            orders.set(2_002, Order.CANCELED);              // published, then 2002 is retired
            orders.set(1_001, Order.FILLED);

            risk.poll((t, end) -> System.out.println("risk #" + t.sequence() + " order " + t.key() + ": "
                + t.from() + " -> " + t.to()), 64);
            desk.poll((t, end) -> System.out.println("desk order " + t.key() + " is " + t.to()), 64);
            System.out.println("open orders: " + orders.openKeys());                  // 0
        }
    }
}
