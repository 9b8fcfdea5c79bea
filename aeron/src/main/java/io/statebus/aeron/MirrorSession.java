package io.statebus.aeron;

import io.statebus.Mirror;

/**
 * One source session's local bus of states, as {@link SessionMirror} drives it: the core's {@link Mirror}, which
 * appends the transition of the message being applied. The receiver's duty-cycle thread only.
 *
 * @param <S> the state type.
 */
final class MirrorSession<S> implements SessionMirror.Local
{
    private final Mirror<S> mirror;
    private final MirrorMessage<S> message;

    MirrorSession(final Mirror<S> mirror, final MirrorMessage<S> message)
    {
        this.mirror = mirror;
        this.message = message;
    }

    @Override
    public long latestSequence()
    {
        return mirror.latestSequence();
    }

    @Override
    public long lost()
    {
        return mirror.lost();
    }

    @Override
    public boolean tryAppendMessage()
    {
        return mirror.tryAppend(message.sequence(), message.from(), message.to(), message.timestamp());
    }

    @Override
    public void close()
    {
        mirror.close();
    }
}
