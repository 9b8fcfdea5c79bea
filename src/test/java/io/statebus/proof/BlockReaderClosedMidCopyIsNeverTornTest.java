package io.statebus.proof;

import io.statebus.LongStateBus;
import io.statebus.LongSubscription;
import io.statebus.LongTransition;
import io.statebus.LongTransitionHandler;
import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.StateBusClosedException;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

/**
 * Guarantee "no torn read" for a {@code BLOCK} reader closed by another thread. Its gate keeps the producer off
 * every slot it has not read, so it needs no check of what it copies, but for one case: a close from another
 * thread takes the gate away mid-run, and the producer may then overwrite the very slot the reader is copying
 * (the word, then the longs beside it). The reader must then deliver nothing from that slot.
 *
 * <p>A long bus of capacity 2, made full by thread 1's two sets; thread 1 then closes the subscription and sets
 * a third value, which goes into the first slot; thread 2 polls twice. Every transition delivered must be whole:
 * its values {@code sequence - 1 -> sequence}, as published. The model checker puts thread 1's close and overwrite
 * between any two of the reader's memory accesses, the slot's word read and the copy of its longs included.
 * Fails when the reader keeps a copy without re-reading the word after it (checked: {@code GatedRead.copyRun}
 * without its {@code SlotCopy.besideWord} check delivers {@code #1 0 -> 3}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BlockReaderClosedMidCopyIsNeverTornTest
{
    /** The bus: initial value 0 at sequence 0, so sequence n's transition is {@code n - 1 -> n}. */
    public static class ClosedMidCopy
    {
        private final LongStateBus bus =
            StateBus.longBuilder(0).capacity(2).producerMode(ProducerMode.SINGLE).build();
        private final LongSubscription sub = bus.subscribe(Policy.BLOCK);
        private final WholeOrNot check = new WholeOrNot();

        /** Thread 1 sets 1, 2, 3 in turn: the published sequence. */
        @Operation
        public String set(final int value)
        {
            return Long.toString(bus.set(value));
        }

        /** Closes the subscription: from here on the producer is not held back by it. */
        @Operation
        public String closeSubscription()
        {
            sub.close();
            return "closed";
        }

        /** Delivers what is there, up to 2; "whole" unless a delivered transition was not as published. */
        @Operation
        public String poll()
        {
            try
            {
                sub.poll(check, 2);
            }
            catch (final StateBusClosedException ex)
            {
                // closed before this poll began: nothing delivered, nothing to check
            }
            return check.torn == null ? "whole" : check.torn;
        }
    }

    /** The handler: remembers the first transition that is not {@code sequence - 1 -> sequence}. */
    static final class WholeOrNot implements LongTransitionHandler
    {
        String torn;

        @Override
        public void onTransition(final LongTransition t, final boolean endOfBatch)
        {
            if (torn == null && (t.from() != t.sequence() - 1 || t.to() != t.sequence()))
            {
                torn = "torn: #" + t.sequence() + " " + t.from() + " -> " + t.to();
            }
        }
    }

    /** The specification: sets publish 1, 2, 3; every poll delivers only whole transitions. */
    public static class Model
    {
        private long latest;

        public String set(final int value)
        {
            return Long.toString(++latest); // the scenario sets latest + 1 each time
        }

        public String closeSubscription()
        {
            return "closed";
        }

        public String poll()
        {
            return "whole";
        }
    }

    @Test
    void aReaderClosedWhileItCopiesASlotDeliversNothingFromItsOverwrite()
    {
        Scenarios.checkClosedMidRead(ClosedMidCopy.class, Model.class, 1, 2, 3);
    }
}
