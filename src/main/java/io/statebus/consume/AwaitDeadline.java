package io.statebus.consume;

import io.statebus.read.Reader;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An await future's deadline: when its timeout fires, the transitions published before it may not all be checked
 * yet (the executor runs the checks, and may run late), and one of them may match. So the timeout notes how far the
 * bus had published then, and the future times out only once its delivery has consumed that far without a match:
 * at once if it has, else after the delivery's batch that gets there.
 *
 * <p>The timer notes the sequence (a compare-and-set, a full fence) and then reads the reader's position; the
 * delivery advances the position, fences, and then reads the note: a Dekker, so one of them sees the other and the
 * timeout is never lost.
 */
final class AwaitDeadline
{
    private static final long NOT_YET = -1;
    private static final VarHandle AT;

    static
    {
        try
        {
            AT = MethodHandles.lookup().findVarHandle(AwaitDeadline.class, "at", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final Reader<?> reader;
    /** The latest sequence the reader could read when the timeout fired, or {@link #NOT_YET}. */
    @SuppressWarnings("unused")
    private volatile long at = NOT_YET;
    /** Woken when the timeout finds transitions left to check; set before the delivery starts. */
    private ExecutorDelivery<?> delivery;

    AwaitDeadline(final Reader<?> reader)
    {
        this.reader = reader;
    }

    void deliveredBy(final ExecutorDelivery<?> delivery)
    {
        this.delivery = delivery;
    }

    /**
     * The timeout fired (and, later, the delivery's check confirms it): notes how far the bus had published, once.
     *
     * @return whether every transition published before the deadline was checked, so the future may time out now;
     *     if not, the delivery is woken to check them.
     */
    boolean passed()
    {
        AT.compareAndSet(this, NOT_YET, reader.available()); // once: the first note is the deadline's
        if (reader.position() >= at)
        {
            return true;
        }
        delivery.wake();
        return false;
    }

    /**
     * The delivery's thread, after each batch.
     *
     * @return whether the timeout has fired and the delivery has now consumed everything published before it.
     */
    boolean dueAfterBatch()
    {
        VarHandle.fullFence(); // the position stored by the batch before the note's read (Dekker with passed)
        final long deadlineAt = at;
        return deadlineAt != NOT_YET && reader.position() >= deadlineAt;
    }
}
