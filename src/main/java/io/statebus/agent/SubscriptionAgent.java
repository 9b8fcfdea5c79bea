package io.statebus.agent;

import io.statebus.StateBusClosedException;
import io.statebus.Subscription;
import io.statebus.TransitionHandler;
import io.statebus.consume.EngineAccess;
import io.statebus.read.ConsumedBy;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentTerminationException;

import java.util.Objects;

/**
 * Runs a {@link Subscription} as an Agrona {@link Agent}, so it can be driven by an {@code AgentRunner} with any
 * {@code IdleStrategy}, or share one thread with other agents in a {@code CompositeAgent}.
 *
 * <pre>{@code
 * Agent agent = new SubscriptionAgent<>("quotes-guard", bus.subscribe(Policy.BLOCK), handler, 256);
 * AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null, agent);
 * AgentRunner.startOnThread(runner);
 * }</pre>
 *
 * <p>Each duty cycle delivers at most {@code limit} transitions and reports how many, which is what the idle
 * strategy needs. A handler that throws fails the subscription: the runner's error handler sees the exception
 * once, and from then on this agent does no work, without stopping the other agents of a {@code CompositeAgent};
 * so does a subscription closed by its owner. When the bus closes, the agent delivers what was published and then
 * asks its runner to stop (with {@code AgentTerminationException}), which stops a whole {@code CompositeAgent}:
 * compose agents of one bus, or close the runner yourself. Closing the agent closes the subscription.
 *
 * @param <S> the state type
 */
public final class SubscriptionAgent<S> implements Agent
{
    private final String roleName;
    private final Subscription<S> subscription;
    private final TransitionHandler<S> handler;
    private final int limit;
    /** What the handler's onStart threw, until the first duty cycle reports it; the runner's thread only. */
    private Throwable failedAtStart;

    /**
     * @param roleName     the agent's name, for the runner's thread.
     * @param subscription the subscription to consume; this agent becomes its only consumer.
     * @param handler      receives the transitions on the runner's thread.
     * @param limit        the most transitions per duty cycle, at least 1.
     * @throws IllegalArgumentException if {@code limit} is below 1, or the subscription is consumed otherwise (made
     *                                  with a handler thread or an executor, or an await's).
     */
    public SubscriptionAgent(
        final String roleName, final Subscription<S> subscription, final TransitionHandler<S> handler, final int limit)
    {
        this.roleName = Objects.requireNonNull(roleName, "roleName must not be null");
        this.subscription = Objects.requireNonNull(subscription, "subscription must not be null");
        this.handler = Objects.requireNonNull(handler, "handler must not be null");
        if (limit < 1)
        {
            throw new IllegalArgumentException("limit must be >= 1, got " + limit);
        }
        final ConsumedBy consumer = EngineAccess.get().consumer(subscription);
        if (consumer != null)
        {
            throw new IllegalArgumentException("the subscription is consumed by " + consumer +
                "; an agent polls it, so it needs one made for polling (subscribe(policy))");
        }
        this.limit = limit;
    }

    @Override
    public int doWork()
    {
        if (failedAtStart != null)
        {
            reportStartFailure();
        }
        try
        {
            return subscription.poll(handler, limit);
        }
        catch (final StateBusClosedException ex)
        {
            if (ex == subscription.failure())
            {
                throw ex; // the handler threw it (a closed bus it publishes to): the runner's error handler sees it
            }
            // asked of the engine: a value, long or keyed bus's subscription names no StateBus (bus() is null)
            if (EngineAccess.get().isBusClosed(subscription) && subscription.failure() == null)
            {
                throw new AgentTerminationException(ex); // the bus is over and all was delivered: stop the runner
            }
            return 0; // this subscription closed or failed: go quiet, never stopping the other agents
        }
    }

    /**
     * Tells the handler where the subscription joined ({@link TransitionHandler#onStart}), on the runner's thread. If
     * it throws, the subscription fails as if {@code onTransition} had thrown: the first duty cycle reports it to
     * the runner, and the runner (and the other agents of a {@code CompositeAgent}) go on.
     */
    @Override
    public void onStart()
    {
        try
        {
            handler.onStart(subscription.joinState(), subscription.joinSequence());
        }
        catch (final RuntimeException | Error ex)
        {
            EngineAccess.get().fail(subscription, ex); // stops gating at once
            failedAtStart = ex;
        }
    }

    /** Throws what onStart threw, once, as a throwing onTransition's exception reaches the runner from doWork. */
    private void reportStartFailure()
    {
        final Throwable failure = failedAtStart;
        failedAtStart = null;
        if (failure instanceof Error)
        {
            throw (Error)failure;
        }
        throw (RuntimeException)failure;
    }

    /** Closes the subscription, then tells the handler ({@link TransitionHandler#onStop}). */
    @Override
    public void onClose()
    {
        subscription.close();
        handler.onStop();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    /**
     * @return the subscription this agent consumes.
     */
    public Subscription<S> subscription()
    {
        return subscription;
    }
}
