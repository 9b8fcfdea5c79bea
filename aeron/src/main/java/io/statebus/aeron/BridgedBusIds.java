package io.statebus.aeron;

import io.aeron.Publication;

import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The bus ids the bridges of this process send on each publication: two open bridges of one bus id on one
 * publication would look to every mirror like one source restarting at each of their messages (each has its own
 * session), so the second is refused when built. Keyed by the publication object (identity; weakly, so a publication
 * no longer used is not kept), each id by the bridge that holds it. Built and closed rarely: one lock.
 */
final class BridgedBusIds
{
    private static final Map<Publication, Map<Integer, Object>> IN_USE = new WeakHashMap<>();

    private BridgedBusIds()
    {
    }

    /** @throws IllegalArgumentException if another bridge holds {@code busId} on {@code publication}. */
    static synchronized void claim(final Publication publication, final int busId, final Object bridge)
    {
        final Map<Integer, Object> ids = IN_USE.computeIfAbsent(publication, p -> new HashMap<>());
        if (ids.putIfAbsent(busId, bridge) != null)
        {
            throw new IllegalArgumentException("bus id " + busId + " is already bridged on the publication " +
                publication.channel() + " stream " + publication.streamId() + " (by a bridge not closed yet): " +
                "give each bus on a publication its own busId");
        }
    }

    /** Frees {@code busId} on {@code publication} if {@code bridge} holds it; idempotent. */
    static synchronized void release(final Publication publication, final int busId, final Object bridge)
    {
        final Map<Integer, Object> ids = IN_USE.get(publication);
        if (ids != null && ids.remove(busId, bridge) && ids.isEmpty())
        {
            IN_USE.remove(publication);
        }
    }
}
