package io.statebus.aeron;

import io.statebus.Subscription;
import io.statebus.TransitionHandler;
import org.agrona.concurrent.Agent;

/** Polls a subscription of a mirror's bus as part of a test's pumped duty cycle. */
final class PollingAgent<S> implements Agent
{
    private final Subscription<S> subscription;
    private final TransitionHandler<S> handler;

    PollingAgent(final Subscription<S> subscription, final TransitionHandler<S> handler)
    {
        this.subscription = subscription;
        this.handler = handler;
    }

    @Override
    public int doWork()
    {
        return subscription.poll(handler, 256);
    }

    @Override
    public String roleName()
    {
        return "poller";
    }
}
