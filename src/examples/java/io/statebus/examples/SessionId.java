package io.statebus.examples;

import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import io.statebus.ValueStateBus;

import java.time.Duration;

public class SessionId {
    public static void main(String[] args) throws Exception {
        try (ValueStateBus<String> session = StateBus.<String>valueBuilder(null)   // null: not known yet
                .nullable(true).build()) {
            Subscription<String> audit = session.subscribe(Policy.BLOCK);
            session.set("s-1");
            session.set(new String("s-1"));                  // equal (equals): nothing published
            session.set(null);                                // logged out
            session.set("s-2");
            audit.poll((t, end) -> System.out.println("#" + t.sequence() + " " + t.from() + " -> " + t.to()), 16);
            System.out.println(session.awaitNotNull(Duration.ofSeconds(1)).transition().to());   // s-2
        }
    }
}
