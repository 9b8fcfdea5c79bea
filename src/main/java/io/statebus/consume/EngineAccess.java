package io.statebus.consume;

import io.statebus.StateBus;
import io.statebus.Subscribes;
import io.statebus.Subscription;
import io.statebus.publish.Producer;
import io.statebus.read.ConsumedBy;
import io.statebus.read.Subscriptions;

import java.lang.invoke.MethodHandles;
import java.util.Objects;

/**
 * How an adapter in another package of this module (the {@code Flow.Publisher} in {@code io.statebus.flow}, the agent
 * in {@code io.statebus.agent}) reaches a bus's engine, which {@link StateBus} keeps private: the bus installs an
 * {@link Access} once, when its class is initialized. This package is not exported, so nothing outside the module
 * can call it.
 */
public final class EngineAccess
{
    /**
     * What {@link StateBus} hands out: a bus's way in and its joins (a {@link StateBus} or a
     * {@code ValueStateBus}: the only {@link Subscribes} of this module), whether a subscription's bus has
     * closed, failing a subscription (an agent's handler that threw in {@code onStart}), and what consumes one.
     */
    public interface Access
    {
        /**
         * @param bus a bus of states or of values.
         * @param <S> its state type.
         * @return its producer (listeners, the publish path).
         */
        <S> Producer<S> producer(Subscribes<S> bus);

        /**
         * @param bus a bus of states or of values.
         * @param <S> its state type.
         * @return where its readers join and leave.
         */
        <S> Subscriptions<S> subscriptions(Subscribes<S> bus);

        /**
         * @param subscription a subscription of any kind of bus (a value, long or keyed bus's names no
         *                     {@link StateBus}: {@link Subscription#bus()} is null).
         * @return whether its bus has closed.
         */
        boolean isBusClosed(Subscription<?> subscription);

        /**
         * Fails a subscription as its handler's exception does: it stops gating and delivering at once.
         *
         * @param subscription a subscription of any kind of bus.
         * @param cause        what its handler threw.
         */
        void fail(Subscription<?> subscription, Throwable cause);

        /**
         * @param subscription a subscription of any kind of bus.
         * @return what consumes it if not a poller (its handler thread, its executor, an await), else null.
         */
        ConsumedBy consumer(Subscription<?> subscription);
    }

    /** Written once, by StateBus's class initializer (which {@link #get()} runs if no use of StateBus has). */
    private static volatile Access access;

    private EngineAccess()
    {
    }

    /**
     * Installs the bus's access; once only.
     *
     * @param installed the access.
     * @throws IllegalStateException if one is installed already.
     */
    public static void install(final Access installed)
    {
        Objects.requireNonNull(installed, "access must not be null");
        synchronized (EngineAccess.class)
        {
            if (access != null)
            {
                throw new IllegalStateException("engine access is installed already");
            }
            access = installed;
        }
    }

    /**
     * @return the access, installed by {@link StateBus}'s class initializer, which this runs if nothing has yet (a
     *     program whose only bus is keyed: its builder is not reached through {@link StateBus}).
     */
    public static Access get()
    {
        final Access installed = access;
        return installed != null ? installed : initializeStateBus();
    }

    private static Access initializeStateBus()
    {
        try
        {
            MethodHandles.lookup().ensureInitialized(StateBus.class);
        }
        catch (final IllegalAccessException ex)
        {
            throw new IllegalStateException("StateBus cannot be initialized", ex);
        }
        final Access installed = access;
        if (installed == null)
        {
            throw new IllegalStateException("StateBus is not initialized"); // only while its initializer runs
        }
        return installed;
    }
}
