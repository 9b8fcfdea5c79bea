package io.statebus.aeron;

import io.aeron.Aeron;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The mirror process of {@link MirrorInAnotherProcessTest}: args {@code aeronDir channel streamId busId last}: it
 * receives until the source's sequence {@code last}.
 * Prints {@code READY <sequence>} once its local bus exists and its subscriber has joined, then
 * {@code DONE count=.. last=.. gaps=.. problems=.. state=..} and {@code SOURCE_PUBLISHED=..} (the source's counter,
 * read from cnc.dat), then waits for a line on stdin before it exits, so its counters can be read meanwhile.
 */
public final class MirrorChild
{
    private MirrorChild()
    {
    }

    /**
     * @param args aeronDir channel streamId busId last.
     * @throws Exception on any failure (exit code 1).
     */
    public static void main(final String[] args) throws Exception
    {
        final String dir = args[0];
        final String channel = args[1];
        final int streamId = Integer.parseInt(args[2]);
        final int busId = Integer.parseInt(args[3]);
        final long last = Long.parseLong(args[4]);
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir));
        final MirrorReceiver receiver = new MirrorReceiver(aeron.addSubscription(channel, streamId), aeron,
            new MirrorListener()
            {
            }, 256);
        final MirroredBus<Phase> mirrored = receiver.mirror(busId, StateTable.forEnum(Phase.class),
            b -> b.capacity(1024));
        final AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(10, 20, 1_000, 100_000),
            Throwable::printStackTrace, null, receiver);
        AgentRunner.startOnThread(runner);
        try
        {
            final StateBus<Phase> bus = mirrored.awaitBus(Duration.ofSeconds(20));
            final Subscription<Phase> sub = bus.subscribe(Policy.BLOCK);
            final Recorder<Phase> recorder = new Recorder<>(sub.joinSequence(), sub.joinState());
            System.out.println("READY " + sub.joinSequence());
            final long target = last;
            final BackoffIdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, 100_000);
            final long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            long reported = 0;
            while (recorder.lastSequence < target && System.nanoTime() < deadline)
            {
                idle.idle(sub.poll(recorder, 256));
                if (recorder.lastSequence - reported >= 10_000)
                {
                    reported = recorder.lastSequence;
                    System.out.println("AT " + reported); // progress, for a test that kills this process
                }
            }
            System.out.println("DONE join=" + sub.joinSequence() + " count=" + recorder.count + " last=" + recorder.lastSequence + " gaps=" +
                recorder.gaps.size() + " missed=" + recorder.gaps.stream().mapToLong(Recorder.GapSeen::missed).sum() +
                " problems=" + recorder.problems.size() + " state=" + bus.get() +
                (recorder.problems.isEmpty() ? "" : " first problem: " + recorder.problems.get(0)));
            Long published = null;
            final long readDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            try (StatebusStat stat = new StatebusStat(new File(dir)))
            {
                while ((published == null || published < target) && System.nanoTime() < readDeadline)
                {
                    published = stat.value("statebus source published: bus=" + busId);
                    idle.idle(0);
                }
            }
            System.out.println("SOURCE_PUBLISHED=" + published);
            System.out.flush();
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        finally
        {
            CloseHelper.closeAll(runner, aeron);
        }
    }
}
