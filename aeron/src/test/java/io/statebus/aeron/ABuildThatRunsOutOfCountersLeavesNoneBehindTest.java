package io.statebus.aeron;

import io.aeron.Counter;
import io.aeron.exceptions.RegistrationException;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bridge, a subscription it exposes, a receiver or a mirrored bus whose Aeron counters the driver cannot all
 * allocate (its counters buffer is full) fails to build with Aeron's exception and leaves none of its counters behind: no one could free them, and they
 * would show in {@code statebus-stat} as a bus that does not exist.
 */
class ABuildThatRunsOutOfCountersLeavesNoneBehindTest
{
    private static final int FILLER_TYPE = 1; // not one of StateBus's

    /**
     * @return counters taking every free slot of the driver: asked for 256 at a time (one by one, each a round trip,
     *     the 8,000 took 10 s), until the driver refuses one; bounded.
     */
    private static List<Counter> fill(final TestDriver driver)
    {
        final List<Counter> fillers = new ArrayList<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        boolean full = false;
        while (!full)
        {
            final long[] asked = new long[256];
            for (int i = 0; i < asked.length; i++)
            {
                asked[i] = driver.aeron.asyncAddCounter(FILLER_TYPE, "filler");
            }
            for (final long id : asked)
            {
                try
                {
                    Counter counter;
                    while ((counter = driver.aeron.getCounter(id)) == null)
                    {
                        if (System.nanoTime() - deadline > 0)
                        {
                            throw new AssertionError("the driver's counters buffer never filled up");
                        }
                        Thread.yield();
                    }
                    fillers.add(counter);
                }
                catch (final RegistrationException refused)
                {
                    full = true;
                }
            }
        }
        return fillers;
    }

    /**
     * @return the StateBus counters once there are {@code count} (a counter closed is freed by the driver a moment
     *     later), or after 5 s whatever they are.
     */
    private static List<StatebusStat.Row> rows(final StatebusStat stat, final int count)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        List<StatebusStat.Row> rows = stat.rows();
        while (rows.size() != count && System.nanoTime() - deadline < 0)
        {
            Thread.yield();
            rows = stat.rows();
        }
        return rows;
    }

    /** Frees {@code slots} of the fillers: room for that many counters, not more. */
    private static void free(final List<Counter> fillers, final int slots)
    {
        for (int i = 0; i < slots; i++)
        {
            fillers.remove(fillers.size() - 1).close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void eachBuildThatFailsFreesTheCountersItHadAlready() throws Exception
    {
        final StateTable<Phase> table = StateTable.forEnum(Phase.class);
        try (TestDriver driver = TestDriver.start("counters-full",
            ctx -> ctx.counterFreeToReuseTimeoutNs(0)); // its smallest counters buffer: about 8,000
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).capacity(4).build();
            StatebusStat stat = new StatebusStat(new File(driver.dir)))
        {
            final io.aeron.Publication publication = driver.aeron.addExclusivePublication(TestDriver.IPC, 70);
            final io.aeron.Subscription subscription = driver.aeron.addSubscription(TestDriver.IPC, 70);
            final List<Counter> fillers = fill(driver);
            try
            {
                free(fillers, 3); // a bridge takes 11
                assertThatThrownBy(() -> TransitionBridge.builder(source, table, publication).counters(driver.aeron)
                    .build()).isInstanceOf(RegistrationException.class);
                assertThat(rows(stat, 0)).as("the failed bridge's counters").isEmpty();
                assertThat(source.subscriptionCount()).as("the failed bridge's subscription").isZero();

                fillers.addAll(fill(driver));
                free(fillers, 13); // a bridge takes 11, a subscription it exposes 4
                try (TransitionBridge<Phase> bridge = TransitionBridge.builder(source, table, publication)
                    .counters(driver.aeron).build(); Subscription<Phase> audit = source.subscribe(Policy.GAP))
                {
                    assertThatThrownBy(() -> bridge.exposeCounters("audit", audit))
                        .isInstanceOf(RegistrationException.class);
                    assertThat(rows(stat, 11)).as("the counters of a subscription not exposed").hasSize(11);
                }
                assertThat(rows(stat, 0)).as("the closed bridge's counters").isEmpty();

                fillers.addAll(fill(driver));
                free(fillers, 4); // a receiver takes 2, its mirrored bus 5
                final MirrorReceiver receiver = new MirrorReceiver(subscription, driver.aeron, new MirrorListener()
                {
                }, 16);
                assertThatThrownBy(() -> receiver.mirror(1, table, b -> b)).isInstanceOf(RegistrationException.class);
                assertThat(rows(stat, 2)).as("the failed mirror's counters").hasSize(2)
                    .allSatisfy(row -> assertThat(row.label()).startsWith("statebus receiver"));
                receiver.close();

                fillers.addAll(fill(driver));
                free(fillers, 1); // a receiver takes 2
                assertThatThrownBy(() -> new MirrorReceiver(subscription, driver.aeron, new MirrorListener()
                {
                }, 16)).isInstanceOf(RegistrationException.class);
                assertThat(rows(stat, 0)).as("the failed receiver's counters").isEmpty();
            }
            finally
            {
                CloseHelper.closeAll(fillers);
            }
        }
    }
}
