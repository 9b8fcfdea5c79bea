package io.statebus.examples;

import io.statebus.Awaited;
import io.statebus.LongStateBus;
import io.statebus.LongSubscription;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;

import java.time.Duration;

public class PriceInTicks {
    public static void main(String[] args) throws Exception {
        try (LongStateBus bid = StateBus.longBuilder(10_000)                  // a price in ticks, no boxing
                .capacity(1024).producerMode(ProducerMode.SINGLE).build()) {
            LongSubscription quoter = bid.subscribe(Policy.GAP);             // lapped: told exactly what it missed
            bid.set(10_005);
            bid.set(10_010);
            bid.set(10_010);                                                 // unchanged: nothing published
            quoter.poll((t, endOfBatch) ->
                System.out.println("#" + t.sequence() + " " + t.from() + " -> " + t.to()), 256);
            Awaited<Long> above = bid.await(p -> p >= 10_010, Duration.ofSeconds(1));
            System.out.println(above.outcome() + ", now " + bid.get());      // ALREADY, now 10010
        }
    }
}
