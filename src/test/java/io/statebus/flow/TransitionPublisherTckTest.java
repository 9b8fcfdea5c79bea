package io.statebus.flow;

import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Transition;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * "Flow.Publisher: demand is honoured; it passes the Reactive Streams TCK": the TCK's {@code FlowPublisherVerification}
 * (TestNG, run on the JUnit Platform by testng-engine) against {@link TransitionPublisher}, every optional test
 * enabled.
 *
 * <p>The publisher of exactly {@code elements} transitions: a fresh bus whose last transition goes to
 * {@link Step#DONE}, a publisher that completes there ({@link TransitionPublisher#completeWhen}), and replays from
 * sequence 1 ({@link TransitionPublisher#replayFrom}), so that subscribers that come one after another (the
 * multicast tests) see the same stream. Up to {@link #PREFILLED} elements the bus is filled before anyone subscribes;
 * longer streams (the TCK asks for {@code Integer.MAX_VALUE} in one test, and cancels) come from a producer thread
 * started by the first subscribe, held back by the subscriber's demand ({@code BLOCK}), and stopped when no
 * subscription is left. The failed publisher's bus is closed: {@code onSubscribe}, then {@code onError}.
 */
public class TransitionPublisherTckTest extends FlowPublisherVerification<Transition<TransitionPublisherTckTest.Step>>
{
    /** A stream's states: A and B alternate, DONE ends it. */
    enum Step
    {
        A, B, DONE
    }

    /** The longest stream made in advance; its ring (the next power of two above it) holds all of it. */
    static final int PREFILLED = 1000;

    public TransitionPublisherTckTest()
    {
        // 1 s for each awaited signal (a shared 2-core machine), 200 ms for each "nothing more comes" check
        super(new TestEnvironment(1_000, 200));
    }

    @Override
    public Flow.Publisher<Transition<Step>> createFlowPublisher(final long elements)
    {
        if (elements <= PREFILLED)
        {
            final StateBus<Step> bus = StateBus.builder(elements == 0 ? Step.DONE : Step.A)
                .capacity(Integer.highestOneBit((int)elements + 1) * 2)
                .build();
            for (long sequence = 1; sequence <= elements; sequence++)
            {
                bus.set(stepAt(sequence, elements));
            }
            return publisherOf(bus, policy());
        }
        final StateBus<Step> bus = StateBus.builder(Step.A).capacity(256).build();
        final Flow.Publisher<Transition<Step>> publisher = publisherOf(bus, policy());
        final AtomicBoolean started = new AtomicBoolean();
        return subscriber ->
        {
            publisher.subscribe(subscriber); // joined (replaying from 1) before the producer starts
            if (started.compareAndSet(false, true))
            {
                final Thread producer = new Thread(() -> produce(bus, elements), "tck-producer");
                producer.setDaemon(true);
                producer.start();
            }
        };
    }

    @Override
    public Flow.Publisher<Transition<Step>> createFailedFlowPublisher()
    {
        final StateBus<Step> bus = StateBus.builder(Step.A).capacity(8).build();
        bus.close();
        return new TransitionPublisher<>(bus, Policy.BLOCK);
    }

    /** The policy of every subscriber; the {@link TransitionPublisherGapTckTest} runs the TCK again with GAP. */
    Policy policy()
    {
        return Policy.BLOCK;
    }

    private static Flow.Publisher<Transition<Step>> publisherOf(final StateBus<Step> bus, final Policy policy)
    {
        return new TransitionPublisher<>(bus, policy).replayFrom(1).completeWhen(s -> s == Step.DONE);
    }

    /** B, A, B, A, ..., and DONE at {@code elements}. */
    private static Step stepAt(final long sequence, final long elements)
    {
        return sequence == elements ? Step.DONE : (sequence % 2 == 1 ? Step.B : Step.A);
    }

    /** Publishes until {@code elements} or until no subscription is left (the TCK cancelled), then closes. */
    private static void produce(final StateBus<Step> bus, final long elements)
    {
        try (bus)
        {
            for (long sequence = 1; sequence <= elements; sequence++)
            {
                final Step next = stepAt(sequence, elements);
                while (!bus.trySet(next, 10, TimeUnit.MILLISECONDS))
                {
                    if (bus.subscriptionCount() == 0)
                    {
                        return;
                    }
                }
                if (bus.subscriptionCount() == 0)
                {
                    return;
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
