package io.statebus;

/**
 * A run of a source's transitions, read by index where the transport holds them (for example a received message),
 * for {@link Mirror#tryAppendRun}: nothing is copied or allocated. States are given by their index among the bus's
 * states, as a transport carries them: an enum constant's ordinal, or the state's position in the list the bus was
 * built with ({@link StateBus#builder(Object, java.util.List)}). The mirror reads it on the appending thread,
 * during the call only.
 *
 * @param <S> the state type.
 */
public interface MirrorRun<S>
{
    /**
     * @param index a transition of the run.
     * @return its source sequence.
     */
    long sequence(int index);

    /**
     * @param index a transition of the run.
     * @return its source timestamp.
     */
    long timestampNanos(int index);

    /**
     * @param index a transition of the run.
     * @return the index of the state before it among the bus's states.
     */
    int fromIndex(int index);

    /**
     * @param index a transition of the run.
     * @return the index of the state after it among the bus's states.
     */
    int toIndex(int index);
}
