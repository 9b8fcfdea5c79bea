package io.statebus.aeron.perf;

/** What the perf rows send: the states, the stream, and the phases' sizes. */
final class Wire
{
    static final int STREAM_ID = 1017;
    static final int BUS_ID = 1;

    /** The states of the rows (4, as in the tests' sessions). */
    enum Phase
    {
        PRE_OPEN, OPEN, HALTED, CLOSED;

        private static final Phase[] VALUES = values();

        Phase next()
        {
            return VALUES[(ordinal() + 1) & 3];
        }
    }

    private Wire()
    {
    }

    static String channel(final String transport, final int port)
    {
        // 1 MiB terms: a window of about 5,000 messages, so the driver's duty cycle (which moves the publication
        // limit) is not what the rows measure; the same for both systems
        return transport.equals("ipc") ? "aeron:ipc?term-length=1m" :
            "aeron:udp?endpoint=127.0.0.1:" + port + "|term-length=1m";
    }
}
