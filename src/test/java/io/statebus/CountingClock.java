package io.statebus;

import org.agrona.concurrent.NanoClock;

/**
 * A clock whose reading is the number of times it was read: on a bus whose producer reads it once per publication,
 * a transition's timestamp equals its sequence, so a test can tell a timestamp of another publication. Called only
 * by the producer.
 */
final class CountingClock implements NanoClock
{
    private long publications;

    @Override
    public long nanoTime()
    {
        return ++publications;
    }
}
