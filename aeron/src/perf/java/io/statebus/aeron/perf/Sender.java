package io.statebus.aeron.perf;

import org.agrona.concurrent.IdleStrategy;

/** One system's sending side in a perf row. */
interface Sender extends AutoCloseable
{
    /** Sends one message, waiting with {@code idle} while back-pressured. */
    void send(IdleStrategy idle);

    /** Background duty between sends: the bridge's duty cycle, or nothing. */
    int pump();

    @Override
    void close();
}
