/**
 * Adapters that run subscriptions inside Agrona's duty cycles ({@code AgentRunner}, {@code CompositeAgent}).
 */
package io.statebus.agent;
