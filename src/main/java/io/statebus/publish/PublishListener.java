package io.statebus.publish;

/**
 * Told by the producer after each publish, on the producer's thread and outside a multi-producer bus's lock (and
 * once by close, which then stands in for any later telling): how awaits and executor subscriptions learn of new
 * transitions without a thread of their own. Must be short and must not block. A new listener checks for work
 * once more after {@link RegistrationWindow#NANOS}.
 */
public interface PublishListener
{
    /** A transition was published (or the bus closed). */
    void onPublish();
}
