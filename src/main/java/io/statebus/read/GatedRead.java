package io.statebus.read;

import io.statebus.TransitionHandler;
import io.statebus.ring.SlotWord;
import io.statebus.ring.TransitionRing;

import java.lang.invoke.VarHandle;

/**
 * How a {@code BLOCK} reader reads: its gate keeps the producer off every slot it has not consumed, so a plain
 * copy of the slot is the transition. The only way the gate goes early is a close from another thread, so each
 * copy is trusted only if the reader was still open after it was made.
 */
final class GatedRead
{
    private GatedRead()
    {
    }

    static <S> int deliver(final Reader<S> reader, final TransitionHandler<S> handler, final long next, final long end)
    {
        final TransitionView<S> view = reader.view();
        final TransitionRing ring = reader.ring;
        long s = next;
        try
        {
            if (reader.pendingGapFirst >= 0 && next <= end)
            {
                // a replay lapped at its very end: the notice is due before the first gated transition
                final long first = ring.wordAt(next);
                VarHandle.loadLoadFence();
                if (reader.status > Reader.DRAINING)
                {
                    return 0;
                }
                reader.notifyGap(handler, next, SlotWord.fromId(first));
            }
            for (; s <= end; s++)
            {
                final long word = ring.wordAt(s);
                final long timestamp = ring.timestampAt(s);
                // the copy is good only if the gate still held after it was made: close() removes the gate
                // before the producer may overwrite, so read the status after the copy, in order
                VarHandle.loadLoadFence();
                if (reader.status > Reader.DRAINING)
                {
                    break;
                }
                view.sequence = s;
                view.word = word;
                view.timestampNanos = timestamp;
                handler.onTransition(view, s == end);
            }
        }
        catch (final Throwable ex)
        {
            reader.failed(ex, s, s - next);
            throw ex;
        }
        reader.consumed(s - 1, s - next);
        return (int)(s - next);
    }
}
