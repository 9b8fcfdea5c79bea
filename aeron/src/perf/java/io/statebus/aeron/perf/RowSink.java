package io.statebus.aeron.perf;

/** Where a row's receiving side hands each transition it received: checked in order, and measured. */
interface RowSink
{
    /** The mirror's subscription joined at {@code joinSequence}: the next sequence expected follows it. */
    void joined(long joinSequence);

    /** A transition whose {@code from} is not its predecessor's {@code to} (of its key). */
    void chainBroken();

    /** One transition received: its source sequence and timestamp. */
    void onMessage(long sequence, long timestamp);
}
