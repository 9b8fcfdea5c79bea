package io.statebus;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.statebus.Connection.CLOSED;
import static io.statebus.Connection.CONNECTED;
import static io.statebus.Connection.CONNECTING;
import static io.statebus.Connection.DISCONNECTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guarantee 7 for an await's future: it never answers "timed out" while a transition published before its deadline
 * matched. The executor checks the transitions; the deadline only says up to where: a timeout comes once every
 * transition published before it was checked, however short the timeout (even zero) and however late the executor
 * runs.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AFutureTimesOutOnlyAfterCheckingWhatCameBeforeItsDeadlineTest
{
    private static final int ROUNDS = 500;

    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopPool()
    {
        pool.shutdownNow();
    }

    @Test
    void aMatchPublishedBeforeAZeroTimeoutFutureIsItsAnswer() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(64).build())
        {
            int timedOut = 0;
            for (int round = 0; round < ROUNDS; round++)
            {
                final PendingAwait<Connection> connected = bus.prepareAwait(CONNECTED);
                bus.set(CONNECTING);
                bus.set(CONNECTED); // published before the future is asked for: its deadline cannot come first
                bus.set(DISCONNECTED);
                final CompletableFuture<Transition<Connection>> future = connected.future(Duration.ZERO, pool);
                try
                {
                    assertThat(future.get(10, TimeUnit.SECONDS).to()).isEqualTo(CONNECTED);
                }
                catch (final ExecutionException ex)
                {
                    assertThat(ex.getCause()).isInstanceOf(TimeoutException.class);
                    timedOut++;
                }
            }
            assertThat(timedOut).as("futures that said 'timed out' with a match published before they began").isZero();
            TestAwait.until(() -> bus.subscriptionCount() == 0, "every future's subscription closed");
        }
    }

    @Test
    void withNoMatchAZeroOrShortTimeoutStillTimesOut() throws Exception
    {
        try (StateBus<Connection> bus = StateBus.builder(DISCONNECTED).capacity(64).build())
        {
            for (int round = 0; round < ROUNDS; round++)
            {
                final PendingAwait<Connection> closed = bus.prepareAwait(CLOSED);
                bus.set(CONNECTING);
                bus.set(DISCONNECTED);
                final CompletableFuture<Transition<Connection>> future =
                    closed.future(round % 2 == 0 ? Duration.ZERO : Duration.ofNanos(50_000), pool);
                assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
            }
            TestAwait.until(() -> bus.subscriptionCount() == 0, "every future's subscription closed");
        }
    }
}
