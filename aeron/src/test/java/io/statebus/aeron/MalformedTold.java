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
        return new MirrorListener()
        {
            @Override
            public void onMalformed(final int busId, final MalformedReason reason)
            {
                told.add(reason);
            }
        };
    }
}
