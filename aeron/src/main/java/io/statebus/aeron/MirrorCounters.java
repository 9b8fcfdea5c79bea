package io.statebus.aeron;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.CloseHelper;

/** A mirrored bus's Aeron counters (received, latest, lost, gaps, sessions); refreshed by the receiver's duty cycle. */
final class MirrorCounters implements AutoCloseable
{
    private final Counter received;
    private final Counter latest;
    private final Counter lost;
    private final Counter gaps;
    private final Counter sessions;

    MirrorCounters(final Aeron aeron, final int busId, final String channel)
    {
        final String suffix = "bus=" + busId + " " + channel;
        final CounterGroup group = new CounterGroup(aeron);
        try
        {
            received = group.add(CounterTypes.MIRROR_RECEIVED, "statebus mirror received: " + suffix);
            latest = group.add(CounterTypes.MIRROR_LATEST, "statebus mirror latest: " + suffix);
            lost = group.add(CounterTypes.MIRROR_LOST, "statebus mirror lost: " + suffix);
            gaps = group.add(CounterTypes.MIRROR_GAPS, "statebus mirror gaps: " + suffix);
            sessions = group.add(CounterTypes.MIRROR_SESSIONS, "statebus mirror sessions: " + suffix);
        }
        catch (final RuntimeException ex) // the driver refused one: free those it gave
        {
            throw group.freeAll(ex);
        }
        latest.setRelease(-1); // -1 until the first message: no sequence yet (0 is a source's initial state)
    }

    void refresh(final long receivedValue, final long latestValue, final long lostValue, final long gapsValue,
        final long sessionsValue)
    {
        // release stores: a reader in another process sees whole values; order between them does not matter
        received.setRelease(receivedValue);
        latest.setRelease(latestValue);
        lost.setRelease(lostValue);
        gaps.setRelease(gapsValue);
        sessions.setRelease(sessionsValue);
    }

    /** @return true once closed (by the mirror, or by a failed client): its ids may belong to other counters. */
    boolean isClosed()
    {
        return received.isClosed();
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(received, latest, lost, gaps, sessions);
    }
}
