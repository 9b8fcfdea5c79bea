package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.statebus.Connection.CLOSING;
import static io.statebus.Connection.CONNECTED;
import static io.statebus.Connection.CONNECTING;
import static io.statebus.Connection.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * However an executor subscription ends (a refused task, a throwing handler), it ends once: its handler is stopped
 * once and never started after that, its failure reaches the error handler once, and nothing reaches the producer.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class AnExecutorDeliveryEndsOnceTest
{
    /**
     * An executor that refuses one task (a saturated pool) and accepts the next never runs the ended delivery
     * again (here the registration window's recheck, then a publish, would have).
     */
    @Test
    void anExecutorThatRefusesOnceThenAcceptsEndsTheSubscriptionOnce() throws Exception
    {
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch recheckRan = new CountDownLatch(1);
        final Executor refusesOnce = task ->
        {
            final int call = calls.incrementAndGet();
            if (call == 1)
            {
                throw new RejectedExecutionException("saturated");
            }
            task.run();
            if (call == 2)
            {
                recheckRan.countDown(); // the registration window's recheck, from the JDK's delay thread
            }
        };
        try (StateBus<Connection> bus =
            StateBus.builder(DISCONNECTED).errorHandler(ex -> events.add("reported " + ex.getMessage())).build())
        {
            final Subscription<Connection> refused = bus.subscribe(Policy.BLOCK, recording(events), refusesOnce);
            assertThat(refused.failure()).isInstanceOf(RejectedExecutionException.class);
            assertThat(recheckRan.await(10, TimeUnit.SECONDS)).isTrue();
            bus.set(CONNECTING);
            assertThat(events).containsExactly("stop", "reported saturated");
        }
    }

    /**
     * A same-thread executor's handler that throws an Error inside the producer's set: the Error is the
     * subscription's failure, reported once, and the handler is stopped once; the producer goes on. A
     * single-producer bus whose producer subscribes: its sets alone run the deliveries (no recheck thread).
     */
    @Test
    void aHandlerErrorOnASameThreadExecutorEndsTheSubscriptionOnce()
    {
        final List<String> events = new CopyOnWriteArrayList<>();
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).producerMode(ProducerMode.SINGLE)
            .errorHandler(ex -> events.add("reported " + ex.getMessage())).build())
        {
            bus.set(CONNECTING); // the test thread now owns the bus
            final TransitionHandler<Connection> recording = recording(events);
            final Subscription<Connection> failing = bus.subscribe(Policy.BLOCK, new TransitionHandler<>()
            {
                @Override
                public void onTransition(final Transition<Connection> t, final boolean endOfBatch)
                {
                    recording.onTransition(t, endOfBatch);
                    throw new AssertionError("error at " + t.sequence());
                }

                @Override
                public void onStart(final Connection joinState, final long joinSequence)
                {
                    recording.onStart(joinState, joinSequence);
                }

                @Override
                public void onStop()
                {
                    recording.onStop();
                }
            }, Runnable::run);
            bus.set(CONNECTED);
            bus.set(CLOSING);
            assertThat(failing.failure()).isInstanceOf(AssertionError.class).hasMessage("error at 2");
            assertThat(events).containsExactly("start", "transition 2", "stop", "reported error at 2");
            assertThat(bus.latestSequence()).isEqualTo(3);
        }
    }

    private static TransitionHandler<Connection> recording(final List<String> events)
    {
        return new TransitionHandler<>()
        {
            @Override
            public void onTransition(final Transition<Connection> t, final boolean endOfBatch)
            {
                events.add("transition " + t.sequence());
            }

            @Override
            public void onStart(final Connection joinState, final long joinSequence)
            {
                events.add("start");
            }

            @Override
            public void onStop()
            {
                events.add("stop");
            }
        };
    }
}
