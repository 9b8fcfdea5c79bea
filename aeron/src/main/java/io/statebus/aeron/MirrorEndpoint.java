package io.statebus.aeron;

import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import org.agrona.DirectBuffer;

/**
 * What a {@link BusDispatcher} feeds: the mirror of one bus id, of one kind ({@link MirroredBus},
 * {@link MirroredLongBus}, {@link MirroredKeyedBus}). Called by the receiver's duty-cycle thread, but for
 * {@link #close()}.
 */
interface MirrorEndpoint extends AutoCloseable
{
    /** @return the bus id it mirrors. */
    int busId();

    /**
     * One message for this bus id, which passed {@link WireFormat#check}.
     *
     * @param head the message's first word ({@link WireFormat#head}).
     * @param ids  its second word ({@link WireFormat#ids}).
     * @return ABORT when a BLOCK subscription of the local bus holds the message back (offered again later).
     */
    Action onMessage(DirectBuffer buffer, int offset, long head, long ids);

    /** Once per receiver duty cycle that offered it a message: publishes lost and latest. */
    void publishProgress();

    /** Refreshes its counters (the receiver's duty cycle, at most every millisecond). */
    void refreshCounters();

    /** The receiver failed: closes the local bus, if any, so its consumers are released. */
    void closeBus();

    /** Closes the local bus and the counters; later messages are ignored. */
    @Override
    void close();
}
