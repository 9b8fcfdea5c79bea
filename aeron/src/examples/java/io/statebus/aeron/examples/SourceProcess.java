package io.statebus.aeron.examples;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.aeron.StateTable;
import io.statebus.aeron.TransitionBridge;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;

/**
 * The source process of the README's two-process example: a media driver, a trading session's bus, and a bridge
 * that sends its transitions over Aeron. Args: {@code [aeronDir] [channel] [steps] [millisPerStep]}.
 */
public final class SourceProcess
{
    /** A trading session. */
    public enum Session { PRE_OPEN, OPEN, HALTED, CLOSED }

    private SourceProcess()
    {
    }

    /**
     * @param args [aeronDir] [channel] [steps] [millisPerStep].
     * @throws InterruptedException if interrupted.
     */
    public static void main(final String[] args) throws InterruptedException
    {
        final String dir = args.length > 0 ? args[0] : "/dev/shm/statebus-demo";
        final String channel = args.length > 1 ? args[1] : "aeron:ipc";
        final int steps = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        final long millis = args.length > 3 ? Long.parseLong(args[3]) : 1_000;

        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir)
                .dirDeleteOnStart(true).dirDeleteOnShutdown(true).threadingMode(ThreadingMode.SHARED));
            Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
            StateBus<Session> bus = StateBus.builder(Session.PRE_OPEN).clock(SystemNanoClock.INSTANCE).build();
            TransitionBridge<Session> bridge = TransitionBridge.builder(bus, StateTable.forEnum(Session.class),
                    aeron.addExclusivePublication(channel, 1001))
                .busId(1)                 // many buses may share one stream, told apart by bus id
                .policy(Policy.BLOCK)     // nothing lost while a mirror is connected: Aeron back-pressure holds set()
                .counters(aeron)          // visible to statebus-stat and AeronStat
                .build();
            AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null, bridge))
        {
            AgentRunner.startOnThread(runner);
            final Session[] day = {Session.OPEN, Session.HALTED, Session.OPEN, Session.CLOSED, Session.PRE_OPEN};
            for (int i = 0; i < steps; i++)
            {
                Thread.sleep(millis);
                bus.set(day[i % day.length]);
                System.out.println("source: #" + bus.latestSequence() + " " + bus.get());
            }
        }
    }
}
