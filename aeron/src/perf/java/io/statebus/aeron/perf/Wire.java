package io.statebus.aeron.perf;

import java.util.Locale;

/** What the perf rows send: the states, the stream, the kinds of bus and the keyed rows' keys. */
final class Wire
{
    static final int STREAM_ID = 1017;
    static final int BUS_ID = 1;
    /** The keyed rows' keys, set round-robin: key {@code (sequence - 1) % KEYS}. */
    static final int KEYS = 10_000;

    /** The states of the rows (4, as in the tests' sessions). */
    enum Phase
    {
        PRE_OPEN, OPEN, HALTED, CLOSED;

        private static final Phase[] VALUES = values();

        Phase next()
        {
            return VALUES[(ordinal() + 1) & 3];
        }

        /** @return the phase of a keyed row's round {@code round} (0: the key's opening, PRE_OPEN). */
        static Phase ofRound(final long round)
        {
            return VALUES[(int)(round & 3)];
        }
    }

    /**
     * The kind of bus a row mirrors, and the bytes each of its messages takes on the wire (the same for raw Aeron):
     * a bus of states (case {@code aeron-ipc}), a {@code LongStateBus} ({@code aeron-ipc-long}), a
     * {@code KeyedStateBus} ({@code aeron-ipc-keyed}).
     */
    enum Kind
    {
        STATES(48, ""), LONG(64, "-long"), KEYED(56, "-keyed");

        final int length;
        final String suffix;

        Kind(final int length, final String suffix)
        {
            this.length = length;
            this.suffix = suffix;
        }
    }

    /** A case's name parsed: {@code aeron-<transport>[-long|-keyed]}. */
    record Case(String name, String transport, Kind kind)
    {
        static Case parse(final String name)
        {
            final String rest = name.substring("aeron-".length());
            final int dash = rest.indexOf('-');
            final String transport = dash < 0 ? rest : rest.substring(0, dash);
            final Kind kind = dash < 0 ? Kind.STATES : Kind.valueOf(rest.substring(dash + 1).toUpperCase(Locale.ROOT));
            if (!name.startsWith("aeron-") || !(transport.equals("ipc") || transport.equals("udp")))
            {
                throw new IllegalArgumentException("not an aeron case: " + name);
            }
            return new Case(name, transport, kind);
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
