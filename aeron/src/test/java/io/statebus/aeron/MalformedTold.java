package io.statebus.aeron;

import java.util.List;

/** A mirror listener that only keeps what it was told was malformed, in order, for a test to assert on. */
final class MalformedTold
{
    private MalformedTold()
    {
    }

    /**
     * @param told where each refusal's reason goes (the receiver's duty cycle writes it: read it after pumping).
     * @return the listener.
     */
    static MirrorListener into(final List<MalformedReason> told)
    {
        return into(told, new java.util.ArrayList<>());
    }

    /**
     * @param told   where each refusal's reason goes.
     * @param busIds where the bus id each refusal was told with goes.
     * @return the listener.
     */
    static MirrorListener into(final List<MalformedReason> told, final List<Integer> busIds)
    {
        return new MirrorListener()
        {
            @Override
            public void onMalformed(final int busId, final MalformedReason reason)
            {
                busIds.add(busId);
                told.add(reason);
            }
        };
    }
}
