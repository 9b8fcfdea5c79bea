package io.statebus.perf;

import io.statebus.Gap;
import io.statebus.Policy;
import io.statebus.StateBus;
import io.statebus.Subscription;
import io.statebus.Transition;
import io.statebus.perf.Harness.St;
import io.statebus.perf.StateBusRows.Checker;

import static io.statebus.perf.StateBusRows.builder;
import static io.statebus.perf.StateBusRows.publishUntil;

/** mixed: one BLOCK handler and one slow GAP handler; the GAP one must account for every transition. */
final class StateBusMixed extends Bench
{
    private final StateBus<St> bus;
    private final Checker fast = new Checker(St.A);
    private final SlowGapChecker slow;
    private final Subscription<St> fastSub;
    private final Subscription<St> slowSub;
    private long published;

    StateBusMixed(final String wait, final int work)
    {
        super("statebus");
        bus = builder(wait, false, threads).build();
        slow = new SlowGapChecker(St.A, work);
        fastSub = bus.subscribe(Policy.BLOCK, fast);
        slowSub = bus.subscribe(Policy.GAP, slow);
    }

    @Override
    long iteration(final long deadlineNanos)
    {
        final long n = publishUntil(bus, deadlineNanos);
        published += n;
        Harness.awaitProgress(fast.progress, published, "statebus BLOCK consumer");
        doneNanos = System.nanoTime();
        // the GAP reader ends on the last transition: the producer stopped, so that one is never lapped
        Harness.awaitProgress(slow.progress, published, "statebus GAP consumer");
        return n;
    }

    @Override
    boolean verified()
    {
        return bus.latestSequence() == published && fast.errors == 0 && fastSub.delivered() == published &&
            slow.errors == 0 && slowSub.delivered() + slowSub.missed() == published &&
            slow.delivered == slowSub.delivered() && slow.missedSeen == slowSub.missed() &&
            slow.gapsSeen == slowSub.gaps() && fastSub.failure() == null && slowSub.failure() == null;
    }

    @Override
    String notes()
    {
        return "GAP sub: published=" + published + " delivered=" + slowSub.delivered() + " missed=" +
            slowSub.missed() + " gaps=" + slowSub.gaps() + " (delivered+missed==published: " +
            (slowSub.delivered() + slowSub.missed() == published) + ")";
    }

    @Override
    public void close()
    {
        bus.close();
    }

    /** GAP handler that does deliberate work per transition, so the producer laps it. */
    static final class SlowGapChecker extends Checker
    {
        final int work;
        long missedSeen;
        long gapsSeen;
        long delivered;
        long sink;

        SlowGapChecker(final St joinState, final int work)
        {
            super(joinState);
            this.work = work;
        }

        @Override
        public void onTransition(final Transition<St> t, final boolean endOfBatch)
        {
            final long s = t.sequence();
            if (s != expected || t.from().ordinal() != prevTo)
            {
                errors++;
            }
            prevTo = t.to().ordinal();
            expected = s + 1;
            delivered++;
            sink += Harness.work(s, work);
            progress.set(s);
        }

        @Override
        public void onGap(final Gap<St> gap)
        {
            if (gap.firstMissed() != expected || gap.missed() != gap.lastMissed() - gap.firstMissed() + 1)
            {
                errors++;
            }
            missedSeen += gap.missed();
            gapsSeen++;
            expected = gap.lastMissed() + 1;
            prevTo = gap.resumeState().ordinal();
        }
    }
}
