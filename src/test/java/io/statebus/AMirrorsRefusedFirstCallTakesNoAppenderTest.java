package io.statebus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.statebus.Connection.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A mirror's first call that is refused (bad input, or the mirror closed) changes nothing, not even which thread
 * appends: the thread meant to append may still take the mirror afterwards, as a single-producer bus's producer may
 * after a refused first {@code set} ({@code BadInputTest.aRefusedFirstCallDoesNotMakeItsThreadTheProducer}).
 */
@Timeout(30)
final class AMirrorsRefusedFirstCallTakesNoAppenderTest
{
    /** A run the refused calls never read. */
    private static final MirrorRun<Connection> NO_RUN = new MirrorRun<>()
    {
        @Override
        public long sequence(final int index)
        {
            throw new AssertionError("read");
        }

        @Override
        public long timestampNanos(final int index)
        {
            throw new AssertionError("read");
        }

        @Override
        public int fromIndex(final int index)
        {
            throw new AssertionError("read");
        }

        @Override
        public int toIndex(final int index)
        {
            throw new AssertionError("read");
        }
    };

    interface Call
    {
        void run() throws Exception;
    }

    /** Runs {@code call} on a thread named "intruder", waits for it (bounded), and returns what it threw, or null. */
    private static Throwable onAnotherThread(final Call call) throws Exception
    {
        final ExecutorService other = Executors.newSingleThreadExecutor(r -> new Thread(r, "intruder"));
        try
        {
            final AtomicReference<Throwable> thrown = new AtomicReference<>();
            final Future<?> done = other.submit(() ->
            {
                try
                {
                    call.run();
                }
                catch (final Throwable ex)
                {
                    thrown.set(ex);
                }
            });
            done.get(10, TimeUnit.SECONDS);
            return thrown.get();
        }
        finally
        {
            other.shutdownNow();
        }
    }

    @Test
    void aStateMirrorsRefusedAppendsLeaveItToTheThreadThatAppendsNext() throws Exception
    {
        try (Mirror<Connection> mirror = StateBus.builder(CONNECTING).buildMirror(5, DISCONNECTED, 50))
        {
            assertThat(onAnotherThread(() -> mirror.append(5, DISCONNECTED, CONNECTING, 0)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("not after the latest, 5");
            assertThat(onAnotherThread(() -> mirror.tryAppend(6, CLOSED, CONNECTED, 0)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("chain broken");
            assertThat(onAnotherThread(() -> mirror.append(Mirror.SEQUENCE_LIMIT, CONNECTING, CONNECTED, 0)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("below 2^62");
            assertThat(onAnotherThread(() -> mirror.tryAppendRun(null, 0, 1)))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("run must not be null");
            assertThat(onAnotherThread(() -> mirror.tryAppendRun(NO_RUN, 0, -1)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("count must be >= 0, got -1");
            assertThat(mirror.latestSequence()).isEqualTo(5);
            assertThat(mirror.bus().get()).isEqualTo(CONNECTING);
            assertThat(mirror.append(6, CONNECTING, CONNECTED, 60)).isEqualTo(6); // this thread takes the mirror
            assertThat(onAnotherThread(() -> mirror.append(7, CONNECTED, CLOSING, 70)))
                .isExactlyInstanceOf(IllegalStateException.class).hasMessageContaining("may not append");
        }
    }

    @Test
    void aLongMirrorsRefusedAppendLeavesItToTheThreadThatAppendsNext() throws Exception
    {
        try (LongMirror mirror = StateBus.longBuilder(10).buildMirror(5, 9, 50))
        {
            assertThat(onAnotherThread(() -> mirror.append(6, 11, 12, 0)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("chain broken at 6");
            assertThat(mirror.append(6, 10, 12, 60)).isEqualTo(6);
            assertThat(mirror.bus().get()).isEqualTo(12);
        }
    }

    @Test
    void aKeyedMirrorsRefusedSeedsAndAppendsLeaveItToTheThreadThatSeedsNext() throws Exception
    {
        try (KeyedMirror<Connection> mirror = KeyedStateBus.builder(Connection.class).maxKeys(2).retireOn(CLOSED)
            .buildMirror(5, 50))
        {
            assertThat(onAnotherThread(() -> mirror.seed(1, CLOSED)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("a final state");
            assertThat(onAnotherThread(() -> mirror.resync(4, new long[0], List.of())))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot repair");
            assertThat(onAnotherThread(() -> mirror.lostUpTo(3)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("not after the latest");
            assertThat(onAnotherThread(() -> mirror.append(6, 9, CONNECTING, CONNECTED, 0)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not have it");
            assertThat(mirror.bus().openKeys()).isZero();
            mirror.seed(1, CONNECTING); // this thread takes the mirror
            assertThat(mirror.append(6, 1, CONNECTING, CONNECTED, 60)).isEqualTo(6);
            assertThat(mirror.bus().get(1)).isEqualTo(CONNECTED);
        }
    }

    @Test
    void aClosedMirrorTakesNoAppender() throws Exception
    {
        final Mirror<Connection> mirror = StateBus.builder(CONNECTING).buildMirror(5, DISCONNECTED, 50);
        mirror.close();
        assertThat(onAnotherThread(() -> mirror.append(6, CONNECTING, CONNECTED, 0)))
            .isExactlyInstanceOf(StateBusClosedException.class);
        // what this thread is told is the closed error too, not that another thread appends to the mirror
        assertThatThrownBy(() -> mirror.append(6, CONNECTING, CONNECTED, 0))
            .isExactlyInstanceOf(StateBusClosedException.class);
    }
}
