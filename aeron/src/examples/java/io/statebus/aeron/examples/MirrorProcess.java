package io.statebus.aeron.examples;

import io.aeron.Aeron;
import io.statebus.Awaited;
import io.statebus.StateBus;
import io.statebus.aeron.MirrorListener;
import io.statebus.aeron.MirrorReceiver;
import io.statebus.aeron.MirroredBus;
import io.statebus.aeron.StateTable;
import io.statebus.aeron.examples.SourceProcess.Session;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.time.Duration;

/**
 * The mirror process of the README's two-process example: it mirrors the source's bus and waits for the session to
 * halt. Args: {@code [aeronDir] [channel]}.
 */
public final class MirrorProcess
{
    private MirrorProcess()
    {
    }

    /**
     * @param args [aeronDir] [channel].
     * @throws InterruptedException if interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final String dir = args.length > 0 ? args[0] : "/dev/shm/statebus-demo";
        final String channel = args.length > 1 ? args[1] : "aeron:ipc";

        try (Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir));
            MirrorReceiver receiver = new MirrorReceiver(aeron.addSubscription(channel, 1001), aeron,
                new MirrorListener()
                {
                    @Override
                    public void onSourceRestarted(final int busId, final long oldSession, final long newSession,
                        final StateBus<?> oldBus)
                    {
                        System.out.println("mirror: the source restarted; subscribe again to the new bus");
                    }
                }, 256))
        {
            final MirroredBus<Session> sessions = receiver.mirror(1, StateTable.forEnum(Session.class),
                builder -> builder.capacity(1024));
            try (AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null,
                receiver))
            {
                AgentRunner.startOnThread(runner);
                final StateBus<Session> bus = sessions.awaitBus(Duration.ofSeconds(10)); // the source's snapshot
                System.out.println("mirror: source at #" + bus.latestSequence() + " " + bus.get());
                final Awaited<Session> halted = bus.await(Session.HALTED, Duration.ofSeconds(30));
                System.out.println("mirror: " + halted.outcome() + " " + halted.transition());
            }
        }
    }
}
