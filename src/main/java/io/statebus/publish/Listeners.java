package io.statebus.publish;

import java.util.Arrays;

/**
 * The awaits and executor subscriptions to tell after each publish: a copy-on-write array, read once per publish,
 * so an empty one costs one load.
 */
final class Listeners
{
    private static final PublishListener[] NONE = new PublishListener[0];

    private volatile PublishListener[] current = NONE;

    PublishListener[] current()
    {
        return current;
    }

    synchronized void add(final PublishListener listener)
    {
        final PublishListener[] before = current;
        final PublishListener[] after = Arrays.copyOf(before, before.length + 1);
        after[before.length] = listener;
        current = after;
    }

    synchronized void remove(final PublishListener listener)
    {
        final PublishListener[] before = current;
        for (int i = 0; i < before.length; i++)
        {
            if (before[i] == listener)
            {
                final PublishListener[] after = new PublishListener[before.length - 1];
                System.arraycopy(before, 0, after, 0, i);
                System.arraycopy(before, i + 1, after, i, before.length - i - 1);
                current = after;
                return;
            }
        }
    }

    static void tell(final PublishListener[] listeners)
    {
        // StoreLoad between the cursor store and each listener's read of its waiter's flag (Dekker with
        // ParkedWaiter and ExecutorDelivery); paid only while an await or executor subscription exists
        java.lang.invoke.VarHandle.fullFence();
        for (final PublishListener listener : listeners)
        {
            listener.onPublish();
        }
    }
}
