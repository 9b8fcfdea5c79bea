package io.statebus.aeron;

import io.statebus.StateBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Faults: each a clear report, never a hang, never a wrong state", for what throws while the receiver handles a
 * message (user code it calls: a mirrored bus's {@code configure}, a listener's callback). Aeron's poll would hand
 * such an exception to the client's error handler only, and the receiver would go on as if the message had been
 * applied; instead {@code doWork} throws it once, the receiver has failed, {@code onFailed} is told, and it then does
 * nothing.
 */
class MessageHandlingFailuresAreReportedTest
{
    private static final StateTable<Phase> PHASES = StateTable.forEnum(Phase.class);

    /** Records failures; its {@code onMalformed} throws if asked to. */
    private static final class Told implements MirrorListener
    {
        final List<Throwable> failed = new ArrayList<>();
        final boolean throwOnMalformed;

        Told(final boolean throwOnMalformed)
        {
            this.throwOnMalformed = throwOnMalformed;
        }

        @Override
        public void onMalformed(final int busId, final MalformedReason reason)
        {
            if (throwOnMalformed)
            {
                throw new IllegalStateException("listener failed on " + reason);
            }
        }

        @Override
        public void onFailed(final Throwable cause)
        {
            failed.add(cause);
        }
    }

    /** Runs the receiver until its duty cycle throws; bounded. */
    private static RuntimeException failureOf(final MirrorReceiver receiver, final TransitionBridge<Phase> bridge)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - deadline < 0)
        {
            bridge.doWork();
            try
            {
                receiver.doWork();
            }
            catch (final RuntimeException ex)
            {
                return ex;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the receiver never failed");
    }

    private static void assertFailedOnceWith(final MirrorReceiver receiver, final Told told, final RuntimeException ex,
        final String message)
    {
        assertThat(ex).hasMessage(message);
        assertThat(receiver.isFailed()).isTrue();
        assertThat(told.failed).containsExactly(ex);
        assertThat(receiver.doWork()).isZero(); // once: then it does nothing
        assertThat(told.failed).hasSize(1);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aConfigureThatThrowsWhenTheMirroredBusIsBuiltFailsTheReceiver() throws Exception
    {
        try (TestDriver driver = TestDriver.start("configure-throws");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build())
        {
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 40)).build();
            final Told told = new Told(false);
            final MirrorReceiver receiver =
                new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 40), null, told, 64);
            final int[] applied = {0};
            final MirroredBus<Phase> mirrored = receiver.mirror(0, PHASES, b ->
            {
                if (++applied[0] == 1)
                {
                    return b; // mirror() tries it once: it throws only when the local bus is built
                }
                throw new IllegalArgumentException("no such capacity here");
            });
            source.set(Phase.OPEN);

            assertFailedOnceWith(receiver, told, failureOf(receiver, bridge), "no such capacity here");
            assertThat(mirrored.bus()).isNull();
            bridge.close();
            receiver.close();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aListenerThatThrowsFailsTheReceiver() throws Exception
    {
        try (TestDriver driver = TestDriver.start("listener-throws");
            StateBus<Phase> source = StateBus.builder(Phase.PRE_OPEN).build())
        {
            final TransitionBridge<Phase> bridge = TransitionBridge.builder(source, PHASES,
                driver.aeron.addExclusivePublication(TestDriver.IPC, 41)).busId(3).build();
            final Told told = new Told(true);
            final MirrorReceiver receiver =
                new MirrorReceiver(driver.aeron.addSubscription(TestDriver.IPC, 41), null, told, 64);
            receiver.mirror(4, PHASES, b -> b); // not the bridge's bus: its messages are refused as UNKNOWN_BUS
            source.set(Phase.OPEN);

            assertFailedOnceWith(receiver, told, failureOf(receiver, bridge), "listener failed on UNKNOWN_BUS");
            bridge.close();
            receiver.close();
        }
    }
}
