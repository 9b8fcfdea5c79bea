package io.statebus.aeron;

/**
 * The Aeron counter type ids of StateBus's counters. Another process finds them in the driver's {@code cnc.dat}
 * by type id and label (Aeron's {@code AeronStat} prints them; so does {@link StatebusStat}). Labels read
 * {@code "statebus <what>: bus=<id> session=<hex>[ <subscription name>]"} on the source's side (the bridge's own
 * subscription's name is {@code bridge}), {@code "statebus <what>: bus=<id> stream=<id>[ <subscription name>]"} on a
 * mirror's, and {@code "statebus receiver <what>: <channel> stream=<id>"} for a receiver's own two.
 *
 * <p>Refreshed by the duty cycle of the bridge or the receiver that owns them, at most every millisecond: a reader
 * in another process sees values at most a millisecond plus 64 busy duty cycles old (a busy duty cycle reads the
 * clock only every 64th time; an idle one, each time). A bridge writes its subscriptions'
 * counts before the source's {@link #SOURCE_PUBLISHED}: as one refresh left them, a subscription's delivered plus
 * missed (plus its join point) never exceeds published.
 */
public final class CounterTypes
{
    /** The first type id of the StateBus range. */
    public static final int FIRST = 17_000;
    /** One past the last type id of the StateBus range. */
    public static final int END = 17_100;

    /** Source bus: its latest sequence, which is how many transitions it published. */
    public static final int SOURCE_PUBLISHED = 17_001;
    /** Source bus: how many times a producer found the ring full and waited. */
    public static final int SOURCE_PRODUCER_WAITS = 17_002;

    /**
     * A subscription (the bridge's own, or one exposed by a bridge or by a mirrored bus): transitions delivered to its
     * handler.
     */
    public static final int SUBSCRIPTION_DELIVERED = 17_010;
    /** A subscription: transitions it missed because it was lapped. */
    public static final int SUBSCRIPTION_MISSED = 17_011;
    /** A subscription: how many times it was lapped (gap notices). */
    public static final int SUBSCRIPTION_GAPS = 17_012;
    /** A subscription: published transitions it has not consumed yet. */
    public static final int SUBSCRIPTION_LAG = 17_013;

    /** Bridge: transitions handed to the publication. */
    public static final int BRIDGE_SENT = 17_020;
    /** Bridge: transitions dropped because the publication was not connected (the mirror reports them as a gap). */
    public static final int BRIDGE_NOT_CONNECTED_DROPS = 17_021;
    /** Bridge: offers the publication refused with back-pressure (retried). */
    public static final int BRIDGE_BACK_PRESSURED = 17_022;
    /** Bridge: snapshots sent. */
    public static final int BRIDGE_SNAPSHOTS = 17_023;
    /** Bridge: back-pressure that lasted longer than the bridge's stall threshold (incidents). */
    public static final int BRIDGE_STALLS = 17_024;

    /** Mirror: messages received for this bus (transitions, runs of them, snapshots; a run counts once). */
    public static final int MIRROR_RECEIVED = 17_030;
    /** Mirror: the latest sequence of its local bus (the source's). */
    public static final int MIRROR_LATEST = 17_031;
    /** Mirror: source sequences recorded as lost (each reported to the mirror's subscriptions in a gap notice). */
    public static final int MIRROR_LOST = 17_032;
    /** Mirror: lost ranges (gap notices). */
    public static final int MIRROR_GAPS = 17_033;
    /** Mirror: source sessions seen (1, plus one per restart of the source). */
    public static final int MIRROR_SESSIONS = 17_034;
    /**
     * Receiver: messages refused (malformed, foreign, unknown bus, state count or names, stale session, chain broken).
     */
    public static final int RECEIVER_MALFORMED = 17_040;
    /** Receiver: messages polled from the Aeron subscription. */
    public static final int RECEIVER_RECEIVED = 17_041;

    private CounterTypes()
    {
    }

    /**
     * @param typeId an Aeron counter type id.
     * @return true if it is one of StateBus's.
     */
    public static boolean isStateBus(final int typeId)
    {
        return typeId >= FIRST && typeId < END;
    }
}
