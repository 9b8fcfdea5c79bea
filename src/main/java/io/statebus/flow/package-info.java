/**
 * The bus as a {@link java.util.concurrent.Flow.Publisher}: {@link io.statebus.flow.TransitionPublisher} hands each
 * subscriber its own subscription to the bus and honours its demand.
 */
package io.statebus.flow;
