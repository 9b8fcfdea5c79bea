package io.statebus.proof;

import io.statebus.Policy;
import io.statebus.ProducerMode;
import io.statebus.StateBus;
import io.statebus.StateBusClosedException;
import io.statebus.Subscription;
import io.statebus.Transition;
import io.statebus.TransitionHandler;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

/**
 * Guarantee 8 with 1 and 5 for a bus of states: a {@code BLOCK} subscription closed from another thread stops
 * holding the producer back at once, and its reader, still inside a poll, never delivers what the producer then
 * writes over the slots it has not read yet. A bus of states's slot is its word alone, so the reader's check is
 * the word's tag, per slot (a handler may take any time between two slots); the sister test
 * {@link BlockReaderClosedMidCopyIsNeverTornTest} covers slots with longs beside the word.
 *
 * <p>Capacity 2, states RED, GREEN, AMBER from RED: thread 1 publishes #1 RED -> GREEN and #2 GREEN -> AMBER (the
 * ring is full), closes the subscription and publishes #3 AMBER -> RED into #1's slot; thread 2 polls twice. Every
 * transition delivered must be the one published at its sequence. The model checker puts thread 1's close and
 * overwrite between any two of the reader's memory accesses. Fails when the reader delivers a slot without its tag
 * check (checked: {@code perf/ablation/read-unchecked.patch} applied, the reader delivers {@code #1 AMBER -> RED}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BlockReaderClosedMidRunDeliversNoOverwriteTest
{
    /** Three states, so the overwrite (#3) differs from the transition its slot held (#1). */
    public enum Light
    {
        RED, GREEN, AMBER
    }

    /** What was published at sequences 1, 2 and 3: from, then to. */
    private static final Light[][] PUBLISHED =
        {null, {Light.RED, Light.GREEN}, {Light.GREEN, Light.AMBER}, {Light.AMBER, Light.RED}};

    /** The bus and its one {@code BLOCK} subscription. */
    public static class ClosedMidRun
    {
        private final StateBus<Light> bus =
            StateBus.builder(Light.RED).capacity(2).producerMode(ProducerMode.SINGLE).build();
        private final Subscription<Light> sub = bus.subscribe(Policy.BLOCK);
        private final AsPublished check = new AsPublished();

        /** Thread 1 sets GREEN, AMBER, RED in turn: the published sequence. */
        @Operation
        public String set(final int ordinal)
        {
            return Long.toString(bus.set(Light.values()[ordinal]));
        }

        /** Closes the subscription: from here on the producer is not held back by it. */
        @Operation
        public String closeSubscription()
        {
            sub.close();
            return "closed";
        }

        /** Delivers what is there, up to 2; "as published" unless a delivered transition was not. */
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
            return check.wrong == null ? "as published" : check.wrong;
        }
    }

    /** The handler: remembers the first transition that is not the one published at its sequence. */
    static final class AsPublished implements TransitionHandler<Light>
    {
        String wrong;

        @Override
        public void onTransition(final Transition<Light> t, final boolean endOfBatch)
        {
            final long s = t.sequence();
            final boolean published =
                s >= 1 && s <= 3 && t.from() == PUBLISHED[(int)s][0] && t.to() == PUBLISHED[(int)s][1];
            if (wrong == null && !published)
            {
                wrong = "wrong: #" + s + " " + t.from() + " -> " + t.to();
            }
        }
    }

    /** The specification: the sets publish 1, 2, 3; every poll delivers only what was published. */
    public static class Model
    {
        private long latest;

        public String set(final int ordinal)
        {
            return Long.toString(++latest); // each set changes the state, so each publishes the next sequence
        }

        public String closeSubscription()
        {
            return "closed";
        }

        public String poll()
        {
            return "as published";
        }
    }

    @Test
    void aReaderClosedMidRunDeliversNothingOfTheOverwrite()
    {
        Scenarios.checkClosedMidRead(
            ClosedMidRun.class, Model.class, Light.GREEN.ordinal(), Light.AMBER.ordinal(), Light.RED.ordinal());
    }
}
